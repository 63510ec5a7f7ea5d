import type { ConnectivityData, OpenProduct } from './connectivity-engine.util';
import type { FlowSource } from './connectivity-flows.util';
import { type AddressSet, normalizeAddressSet, renderAddressSet } from './ip-address.util';
import type { AggregatedFlow, CidrEndpoint, Flow, FlowPorts, NamespaceEndpoint, WorkloadReach } from './model.type';
import type { PiecewisePorts } from './piecewise-ports.util';
import { type PortRanges, portRangesByProtocol, PortSetTable } from './port-set.util';

/**
 * Which flows to keep, as workload flags: a workload→workload flow is kept when its source or its
 * destination is in `any`, and (when `alsoAny` is set) its source or destination is in `alsoAny`
 * too; an external flow when its workload passes the same test.
 */
export interface FlowKeep {
  any: Uint8Array;
  alsoAny?: Uint8Array;
}

export function toFlowPorts(ranges: PortRanges): FlowPorts[] {
  return portRangesByProtocol(ranges);
}

/** External flows of one address→ports function: one entry per rendered CIDR group. */
export function externalGroups(
  pieces: readonly { lo: bigint; hi: bigint; key: string; ranges: PortRanges }[],
): { endpoint: CidrEndpoint; ports: FlowPorts[] }[] {
  const byPorts = new Map<string, { ranges: PortRanges; intervals: [bigint, bigint][] }>();
  for (const piece of pieces) {
    let group = byPorts.get(piece.key);
    if (!group) {
      group = { ranges: piece.ranges, intervals: [] };
      byPorts.set(piece.key, group);
    }
    group.intervals.push([piece.lo, piece.hi]);
  }
  const out: { endpoint: CidrEndpoint; ports: FlowPorts[]; first: bigint }[] = [];
  for (const group of byPorts.values()) {
    const addresses: AddressSet = normalizeAddressSet(group.intervals);
    const ports = toFlowPorts(group.ranges);
    for (const rendered of renderAddressSet(addresses)) {
      const endpoint: CidrEndpoint = rendered.except ? { kind: 'cidr', cidr: rendered.cidr, except: rendered.except } : { kind: 'cidr', cidr: rendered.cidr };
      out.push({ endpoint, ports, first: addresses[0] });
    }
  }
  return out;
}

/**
 * The workload→workload pairs of connectivity data, one source row at a time, destinations
 * ascending, with the open product of compact data merged in. Rows are written into reused
 * buffers: memory is the listed pairs plus two arrays of the workload count, whatever the
 * number of flows.
 */
export class PairRows {
  readonly dest: Int32Array;
  readonly ports: Int32Array;

  constructor(private readonly data: ConnectivityData) {
    this.dest = new Int32Array(data.workloadCount);
    this.ports = new Int32Array(data.workloadCount);
  }

  /** Fills `dest`/`ports` with the destinations and port-set ids of source `ws`; returns how many. */
  row(ws: number): number {
    const { dest, ports } = this;
    const count = this.data.workloadCount;
    const table = this.data.pairs;
    const listedDest = table.dest;
    const listedPorts = table.ports;
    let i = table.rowStart[ws];
    const end = table.rowStart[ws + 1];
    const open = this.data.open;
    if (!open || !open.openOut[ws]) {
      dest.set(listedDest.subarray(i, end));
      ports.set(listedPorts.subarray(i, end));
      return end - i;
    }
    let n = 0;
    const ids = open.openInIds;
    const self = open.selfOpen[ws] === 1;
    let j = 0;
    for (;;) {
      const listed = i < end ? listedDest[i] : count;
      const product = j < ids.length ? ids[j] : count;
      if (listed === count && product === count) return n;
      if (product <= listed) {
        const all = product !== ws || self;
        if (all || product === listed) {
          dest[n] = product;
          ports[n] = all ? PortSetTable.ALL : listedPorts[i];
          n++;
        }
        if (product === listed) i++;
        j++;
      } else {
        dest[n] = listed;
        ports[n] = listedPorts[i];
        n++;
        i++;
      }
    }
  }
}

/** Flow ports and rendered external groups, each built once per id or function. */
class FlowParts {
  private readonly portsCache = new Map<number, FlowPorts[]>();
  private readonly rendered = new Map<PiecewisePorts, { endpoint: CidrEndpoint; ports: FlowPorts[] }[]>();

  constructor(private readonly source: Pick<FlowSource, 'portRanges'>) {}

  ports(id: number): FlowPorts[] {
    let value = this.portsCache.get(id);
    if (!value) {
      value = portRangesByProtocol(this.source.portRanges(id));
      this.portsCache.set(id, value);
    }
    return value;
  }

  external(fn: PiecewisePorts): { endpoint: CidrEndpoint; ports: FlowPorts[] }[] {
    let value = this.rendered.get(fn);
    if (!value) {
      const pieces = fn.ports.map((id, i) => ({ lo: fn.bounds[2 * i], hi: fn.bounds[2 * i + 1], key: String(id), ranges: this.source.portRanges(id) }));
      value = externalGroups(pieces);
      this.rendered.set(fn, value);
    }
    return value;
  }
}

const passes = (keep: FlowKeep | undefined, a: number, b: number): boolean =>
  !keep || ((keep.any[a] === 1 || keep.any[b] === 1) && (!keep.alsoAny || keep.alsoAny[a] === 1 || keep.alsoAny[b] === 1));

/** External flows, per workload its inbound then its outbound ones (the tail of `iterateFlows`). */
function* externalFlows(source: FlowSource, parts: FlowParts, keep: FlowKeep | undefined): Generator<Flow> {
  const workloads = source.inventory.workloads;
  const { ingressExternal, egressExternal } = source.data;
  for (let w = 0; w < workloads.length; w++) {
    if (!passes(keep, w, w)) continue;
    const inFn = ingressExternal.get(w);
    if (inFn) for (const g of parts.external(inFn)) yield { from: g.endpoint, to: workloads[w].endpoint, ports: g.ports };
    const egFn = egressExternal.get(w);
    if (egFn) for (const g of parts.external(egFn)) yield { from: workloads[w].endpoint, to: g.endpoint, ports: g.ports };
  }
}

/**
 * Flows in connectivity order: workload→workload by source then destination (workload ids are
 * in namespace, kind, name order), then per workload its inbound and outbound external flows.
 * One flow object at a time: nothing holds the whole list.
 */
export function* iterateFlows(source: FlowSource, keep?: FlowKeep): Generator<Flow> {
  const workloads = source.inventory.workloads;
  const parts = new FlowParts(source);
  const rows = new PairRows(source.data);
  for (let ws = 0; ws < workloads.length; ws++) {
    const n = rows.row(ws);
    const from = workloads[ws].endpoint;
    for (let i = 0; i < n; i++) {
      const wd = rows.dest[i];
      if (passes(keep, ws, wd)) yield { from, to: workloads[wd].endpoint, ports: parts.ports(rows.ports[i]) };
    }
  }
  yield* externalFlows(source, parts, keep);
}

/**
 * Workload pairs counted per key (a destination namespace or workload) within one round (a source
 * namespace), with the port set they share: keys are reset lazily by a round stamp, so nothing is
 * cleared between rounds.
 */
class PairTally {
  private readonly seen: Float64Array;
  private readonly common: Int32Array;
  private readonly stamp: Int32Array;
  /** Keys counted this round, in first-seen order. */
  readonly touched: number[] = [];
  private round = -1;

  constructor(size: number) {
    this.seen = new Float64Array(size);
    this.common = new Int32Array(size);
    this.stamp = new Int32Array(size).fill(-1);
  }

  startRound(round: number): void {
    this.round = round;
    this.touched.length = 0;
  }

  add(key: number, ports: number): void {
    if (this.stamp[key] !== this.round) {
      this.stamp[key] = this.round;
      this.seen[key] = 0;
      this.common[key] = ports;
      this.touched.push(key);
    } else if (this.common[key] !== ports) this.common[key] = -1;
    this.seen[key]++;
  }

  /** This round's keys, ascending (sorts `touched` in place). */
  touchedAscending(): readonly number[] {
    return this.touched.sort((x, y) => x - y);
  }

  /** The port set every pair of `key` shares when exactly `expected` pairs were counted, else -1. */
  commonPorts(key: number, expected: number): number {
    return this.seen[key] === expected ? this.common[key] : -1;
  }
}

/**
 * Flows like `iterateFlows`, with the flows a whole namespace stands for as one flow. A namespace
 * endpoint `{ kind: 'namespace' }` means every workload of the namespace, and a flow with one
 * stands for every workload pair it names, with a workload to itself counted only when it has two
 * pods or more (one pod never reaches itself). Per source namespace `a`, in this order:
 * 1. `a/* => b/*` for each namespace `b` whose workloads all receive from all of `a`'s on the same ports;
 * 2. with `eitherEnd`, `a/* => workload` for each other destination every workload of `a` reaches
 *    on the same ports (when `a` has two workloads or more);
 * 3. per workload of `a`, by destination: with `eitherEnd`, `workload => b/*` where it reaches every
 *    workload of `b` on the same ports (`b` with two workloads or more, none of them in a line
 *    above); else its workload flows that no line above covers.
 * No two flows cover the same workload pair, so expanding them gives `iterateFlows` exactly.
 * External flows come last, as in `iterateFlows`.
 */
export function* iterateAggregatedFlows(source: FlowSource, keep?: FlowKeep, eitherEnd = false): Generator<AggregatedFlow> {
  const { inventory } = source;
  const workloads = inventory.workloads;
  const namespaces = inventory.namespaces;
  const parts = new FlowParts(source);
  const rows = new PairRows(source.data);
  // Workloads are numbered namespace by namespace: a namespace is a range of workload ids.
  const nsStart = new Int32Array(namespaces.length + 1);
  for (const w of workloads) nsStart[w.nsId + 1]++;
  for (let ns = 0; ns < namespaces.length; ns++) nsStart[ns + 1] += nsStart[ns];
  const nsOf = new Int32Array(workloads.length);
  for (const w of workloads) nsOf[w.id] = w.nsId;
  const pods = new Int32Array(workloads.length);
  for (let p = 0; p < inventory.podCount; p++) pods[inventory.podWorkload[p]]++;
  const singles = new Int32Array(namespaces.length);
  for (const w of workloads) if (pods[w.id] < 2) singles[w.nsId]++;
  // One endpoint object per namespace, as workloads have: writers render each object once (a new
  // object per flow made the CLI render and cache 1.7 M of them on an open 100,000-pod cluster).
  const nsEndpoints: (NamespaceEndpoint | undefined)[] = new Array(namespaces.length);
  const namespaceEndpoint = (ns: number): NamespaceEndpoint => (nsEndpoints[ns] ??= { kind: 'namespace', namespace: namespaces[ns].name });

  // For the current source namespace: pairs per destination namespace and per destination workload.
  const byNamespace = new PairTally(namespaces.length);
  const byWorkload = new PairTally(workloads.length);
  const wholeNamespace = new Uint8Array(namespaces.length);
  const wholeSource = new Uint8Array(workloads.length);
  for (let a = 0; a < namespaces.length; a++) {
    const first = nsStart[a];
    const last = nsStart[a + 1];
    if (first === last) continue;
    const sizeA = last - first;
    byNamespace.startRound(a);
    byWorkload.startRound(a);
    for (let ws = first; ws < last; ws++) {
      const n = rows.row(ws);
      for (let i = 0; i < n; i++) {
        const wd = rows.dest[i];
        if (!passes(keep, ws, wd)) continue;
        byNamespace.add(nsOf[wd], rows.ports[i]);
        if (eitherEnd) byWorkload.add(wd, rows.ports[i]);
      }
    }
    for (const b of byNamespace.touchedAscending()) {
      const ports = byNamespace.commonPorts(b, sizeA * (nsStart[b + 1] - nsStart[b]) - (a === b ? singles[a] : 0));
      wholeNamespace[b] = ports >= 0 ? 1 : 0;
      if (ports >= 0) yield { from: namespaceEndpoint(a), to: namespaceEndpoint(b), ports: parts.ports(ports) };
    }
    if (eitherEnd && sizeA > 1) {
      for (const wd of byWorkload.touchedAscending()) {
        if (wholeNamespace[nsOf[wd]]) continue;
        const ports = byWorkload.commonPorts(wd, sizeA - (nsOf[wd] === a && pods[wd] < 2 ? 1 : 0));
        if (ports < 0) continue;
        wholeSource[wd] = 1;
        yield { from: namespaceEndpoint(a), to: workloads[wd].endpoint, ports: parts.ports(ports) };
      }
    }
    for (let ws = first; ws < last; ws++) {
      const n = rows.row(ws);
      const from = workloads[ws].endpoint;
      // Destinations ascend, so each destination namespace is one run of the row.
      for (let i = 0; i < n; ) {
        const b = nsOf[rows.dest[i]];
        if (wholeNamespace[b]) {
          // Covered by `a/* => b/*`: the row holds every workload of b (ws itself only with two pods).
          i += nsStart[b + 1] - nsStart[b] - (b === a && pods[ws] < 2 ? 1 : 0);
          continue;
        }
        let j = i;
        const common = rows.ports[i];
        let whole = true;
        for (; j < n && nsOf[rows.dest[j]] === b; j++) {
          if (rows.ports[j] !== common || wholeSource[rows.dest[j]] || !passes(keep, ws, rows.dest[j])) whole = false;
        }
        const sizeB = nsStart[b + 1] - nsStart[b];
        if (eitherEnd && whole && sizeB > 1 && j - i === sizeB - (b === a && pods[ws] < 2 ? 1 : 0)) {
          yield { from, to: namespaceEndpoint(b), ports: parts.ports(common) };
        } else {
          for (let k = i; k < j; k++) {
            const wd = rows.dest[k];
            if (wholeSource[wd] || !passes(keep, ws, wd)) continue;
            yield { from, to: workloads[wd].endpoint, ports: parts.ports(rows.ports[k]) };
          }
        }
        i = j;
      }
    }
    for (const b of byNamespace.touched) wholeNamespace[b] = 0;
    for (const wd of byWorkload.touched) wholeSource[wd] = 0;
  }
  yield* externalFlows(source, parts, keep);
}

/** What a reach summary is built from: external reach, the open product, and reach through listed pairs. */
export interface ReachData {
  ingressExternal: ConnectivityData['ingressExternal'];
  egressExternal: ConnectivityData['egressExternal'];
  open?: OpenProduct;
  /** Per workload: 1 when a listed pair (not the open product) from another namespace reaches it. */
  listedFromOtherNamespace: Uint8Array;
}

/** Reach data read off connectivity data that is already computed. */
export function reachDataOf(source: FlowSource): ReachData {
  const workloads = source.inventory.workloads;
  const data = source.data;
  const listedFromOtherNamespace = new Uint8Array(workloads.length);
  const { rowStart, dest } = data.pairs;
  for (let from = 0; from < workloads.length; from++) {
    const ns = workloads[from].nsId;
    for (let i = rowStart[from]; i < rowStart[from + 1]; i++) if (workloads[dest[i]].nsId !== ns) listedFromOtherNamespace[dest[i]] = 1;
  }
  return { ingressExternal: data.ingressExternal, egressExternal: data.egressExternal, open: data.open, listedFromOtherNamespace };
}

/**
 * Per workload: whether some workload of another namespace reaches it, and its external flows.
 * Isolation is filled in by the caller, which knows the policy signatures.
 */
export function workloadReachOf(source: Pick<FlowSource, 'inventory' | 'portRanges'>, reach: ReachData): Omit<WorkloadReach, 'ingressIsolated' | 'egressIsolated'>[] {
  const workloads = source.inventory.workloads;
  const parts = new FlowParts(source);
  const fromOtherNamespace = Uint8Array.from(reach.listedFromOtherNamespace);
  const open = reach.open;
  if (open) {
    // Open product: a workload open to ingress is reached from another namespace when one there is open to egress.
    const outPerNamespace = new Map<number, number>();
    let outTotal = 0;
    for (const w of workloads) {
      if (!open.openOut[w.id]) continue;
      outTotal++;
      outPerNamespace.set(w.nsId, (outPerNamespace.get(w.nsId) ?? 0) + 1);
    }
    for (const w of workloads) if (open.openIn[w.id] && outTotal - (outPerNamespace.get(w.nsId) ?? 0) > 0) fromOtherNamespace[w.id] = 1;
  }
  return workloads.map((w) => {
    const inFn = reach.ingressExternal.get(w.id);
    const egFn = reach.egressExternal.get(w.id);
    return {
      workload: w.endpoint,
      reachedFromOtherNamespaces: fromOtherNamespace[w.id] === 1,
      inboundExternal: inFn ? parts.external(inFn).map((g) => ({ from: g.endpoint, to: w.endpoint, ports: g.ports })) : [],
      outboundExternal: egFn ? parts.external(egFn).map((g) => ({ from: w.endpoint, to: g.endpoint, ports: g.ports })) : [],
    };
  });
}
