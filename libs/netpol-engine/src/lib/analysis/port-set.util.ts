import { hashString, mix } from './hash.util';
import type { Protocol } from './model.type';

/**
 * Ports of all protocols on one number line: `point = protocolIndex * 65536 + port`.
 * A port set is a flat sorted array of inclusive, disjoint, non-adjacent bounds.
 */

export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const PROTOCOL_SPAN = 65536;
export const MAX_PORT = 65535;

export type PortRanges = readonly number[];

export const ALL_PORT_RANGES: PortRanges = [1, 65535, 65537, 131071, 131073, 196607];

export function protocolIndex(protocol: Protocol | undefined): number {
  return protocol === 'UDP' ? 1 : protocol === 'SCTP' ? 2 : 0;
}

export function portPoint(protocol: Protocol | undefined, port: number): number {
  return protocolIndex(protocol) * PROTOCOL_SPAN + port;
}

export function normalizePortRanges(pairs: [number, number][]): number[] {
  const sorted = pairs.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of sorted) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last] + 1) {
      if (hi > out[last]) out[last] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

export function unionPortRanges(a: PortRanges, b: PortRanges): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i], a[i + 1]]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i], b[i + 1]]);
  return normalizePortRanges(pairs);
}

export function intersectPortRanges(a: PortRanges, b: PortRanges): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

export function subtractPortRanges(a: PortRanges, b: PortRanges): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i];
    const hi = a[i + 1];
    while (j < b.length && b[j + 1] < lo) j += 2;
    let k = j;
    while (k < b.length && b[k] <= hi && lo <= hi) {
      if (b[k] > lo) out.push(lo, b[k] - 1);
      lo = b[k + 1] + 1;
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function portRangesHas(ranges: PortRanges, point: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (point < ranges[i]) return false;
    if (point <= ranges[i + 1]) return true;
  }
  return false;
}

/** Splits ranges on the shared number line into per-protocol port ranges. */
export function portRangesByProtocol(ranges: PortRanges): { protocol: Protocol; ranges: [number, number][] }[] {
  const out: { protocol: Protocol; ranges: [number, number][] }[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    const index = Math.floor(ranges[i] / PROTOCOL_SPAN);
    const protocol = PROTOCOLS[index];
    let entry = out[out.length - 1];
    if (!entry || entry.protocol !== protocol) {
      entry = { protocol, ranges: [] };
      out.push(entry);
    }
    entry.ranges.push([ranges[i] - index * PROTOCOL_SPAN, ranges[i + 1] - index * PROTOCOL_SPAN]);
  }
  return out;
}

interface PortEntry {
  name: string;
  protocol: number;
  port: number;
}

function samePortEntries(entries: readonly PortEntry[], ports: readonly { name?: string; port: number; protocol?: Protocol }[], count: number): boolean {
  if (entries.length !== count) return false;
  for (const p of ports) {
    if (!p.name) continue;
    const protocol = protocolIndex(p.protocol);
    let found = false;
    for (const e of entries) if (e.name === p.name && e.protocol === protocol && e.port === p.port) found = true;
    if (!found) return false;
  }
  for (const e of entries) {
    let found = false;
    for (const p of ports) if (p.name === e.name && protocolIndex(p.protocol) === e.protocol && p.port === e.port) found = true;
    if (!found) return false;
  }
  return true;
}

/** Whether two container port lists are the same entries in the same order. */
function samePortList(a: readonly { name?: string; port: number; protocol?: Protocol }[], b: readonly { name?: string; port: number; protocol?: Protocol }[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name || a[i].port !== b[i].port || protocolIndex(a[i].protocol) !== protocolIndex(b[i].protocol)) return false;
  }
  return true;
}

/** One unresolved `ports` list of a rule: numeric ranges plus named ports (resolved per destination pod). */
interface PortSpec {
  numeric: number;
  named: { protocol: number; name: string }[];
}

/**
 * Interns port sets, port specs and named-port maps, and memoizes their operations.
 * Ids are only meaningful within one table (one analysis lineage). Id 0 is the empty set,
 * id 1 all ports of all protocols; named-port map 0 is the empty map.
 */
export class PortSetTable {
  static readonly EMPTY = 0;
  static readonly ALL = 1;

  readonly sets: PortRanges[] = [[], ALL_PORT_RANGES];
  private readonly setIds = new Map<string, number>([
    ['', 0],
    [ALL_PORT_RANGES.join(','), 1],
  ]);
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();
  private readonly unionsWide = new Map<number, number>();
  private readonly intersectionsWide = new Map<number, number>();
  private readonly specs: PortSpec[] = [];
  private readonly specIds = new Map<string, number>();
  private readonly portMaps: Map<string, number[]>[] = [new Map()];
  private readonly portMapEntries: PortEntry[][] = [[]];
  private readonly portMapsByHash = new Map<number, number[]>();
  private readonly resolutions = new Map<number, number>();
  private readonly resolutionsWide = new Map<number, number>();
  private previousPorts: readonly { name?: string; port: number; protocol?: Protocol }[] | undefined = undefined;
  private previousPortMap = 0;

  intern(ranges: number[]): number {
    const key = ranges.join(',');
    let id = this.setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(ranges);
      this.setIds.set(key, id);
    }
    return id;
  }

  union(a: number, b: number): number {
    if (a === b || b === PortSetTable.EMPTY || a === PortSetTable.ALL) return a;
    if (a === PortSetTable.EMPTY || b === PortSetTable.ALL) return b;
    // Below 2^15 ids the pair key stays a small integer (no boxed number per lookup).
    const small = (a | b) < 32768;
    const memo = small ? this.unions : this.unionsWide;
    const key = small ? (a < b ? (a << 15) | b : (b << 15) | a) : a < b ? a * 67108864 + b : b * 67108864 + a;
    let id = memo.get(key);
    if (id === undefined) {
      id = this.intern(unionPortRanges(this.sets[a], this.sets[b]));
      memo.set(key, id);
    }
    return id;
  }

  intersect(a: number, b: number): number {
    if (a === b || b === PortSetTable.ALL || a === PortSetTable.EMPTY) return a;
    if (b === PortSetTable.EMPTY || a === PortSetTable.ALL) return b;
    // Below 2^15 ids the pair key stays a small integer (no boxed number per lookup).
    const small = (a | b) < 32768;
    const memo = small ? this.intersections : this.intersectionsWide;
    const key = small ? (a < b ? (a << 15) | b : (b << 15) | a) : a < b ? a * 67108864 + b : b * 67108864 + a;
    let id = memo.get(key);
    if (id === undefined) {
      id = this.intern(intersectPortRanges(this.sets[a], this.sets[b]));
      memo.set(key, id);
    }
    return id;
  }

  has(id: number, point: number): boolean {
    return portRangesHas(this.sets[id], point);
  }

  /** Interns a port spec: numeric ranges plus named ports `{ protocol index, name }`. */
  spec(numericRanges: number[], named: { protocol: number; name: string }[]): number {
    const numeric = this.intern(numericRanges);
    const sortedNamed = [...named].sort((x, y) => x.protocol - y.protocol || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const key = `${numeric}|${sortedNamed.map((n) => `${n.protocol}/${n.name}`).join(',')}`;
    let id = this.specIds.get(key);
    if (id === undefined) {
      id = this.specs.length;
      this.specs.push({ numeric, named: sortedNamed });
      this.specIds.set(key, id);
    }
    return id;
  }

  /** Interns the named container ports of a pod (`{ name, port, protocol }`, unnamed ones ignored). */
  portMap(ports: readonly { name?: string; port: number; protocol?: Protocol }[]): number {
    // Pods come workload by workload: replicas list the ports their neighbour listed, in its order.
    const previous = this.previousPorts;
    if (previous !== undefined && samePortList(previous, ports)) return this.previousPortMap;
    const id = this.internPortMap(ports);
    this.previousPorts = ports;
    this.previousPortMap = id;
    return id;
  }

  private internPortMap(ports: readonly { name?: string; port: number; protocol?: Protocol }[]): number {
    // Hashed and verified instead of keyed by a string: this runs once per pod.
    let sum = 0;
    let count = 0;
    for (const p of ports) {
      if (!p.name) continue;
      sum = (sum + mix(mix(hashString(p.name), protocolIndex(p.protocol)), p.port)) | 0;
      count++;
    }
    if (count === 0) return 0;
    const hash = mix(sum >>> 0, count);
    const candidates = this.portMapsByHash.get(hash);
    if (candidates) {
      for (const id of candidates) if (samePortEntries(this.portMapEntries[id], ports, count)) return id;
    }
    const entries: PortEntry[] = [];
    const map = new Map<string, number[]>();
    for (const p of ports) {
      if (!p.name) continue;
      const protocol = protocolIndex(p.protocol);
      entries.push({ name: p.name, protocol, port: p.port });
      const key = `${protocol}/${p.name}`;
      const list = map.get(key);
      if (list) list.push(p.port);
      else map.set(key, [p.port]);
    }
    const id = this.portMaps.length;
    this.portMaps.push(map);
    this.portMapEntries.push(entries);
    if (candidates) candidates.push(id);
    else this.portMapsByHash.set(hash, [id]);
    return id;
  }

  /** The concrete port set of a spec on a destination with the given named-port map. */
  resolve(specId: number, portMapId: number): number {
    const spec = this.specs[specId];
    if (portMapId === 0 || spec.named.length === 0) return spec.numeric;
    const small = (specId | portMapId) < 32768;
    const memo = small ? this.resolutions : this.resolutionsWide;
    const key = small ? (specId << 15) | portMapId : specId * 16777216 + portMapId;
    let id = memo.get(key);
    if (id === undefined) {
      const map = this.portMaps[portMapId];
      const pairs: [number, number][] = [];
      for (const n of spec.named) {
        for (const port of map.get(`${n.protocol}/${n.name}`) ?? []) {
          const point = n.protocol * PROTOCOL_SPAN + port;
          pairs.push([point, point]);
        }
      }
      id = pairs.length === 0 ? spec.numeric : this.union(spec.numeric, this.intern(normalizePortRanges(pairs)));
      memo.set(key, id);
    }
    return id;
  }
}
