import type { ConnectivityData, OpenProduct } from './connectivity-engine.util';
import type { FlowSource } from './connectivity-flows.util';
import { type AddressSet, normalizeAddressSet, renderAddressSet } from './ip-address.util';
import type { AggregatedFlow, CidrEndpoint, Endpoint, Flow, FlowPorts, NamespaceEndpoint, WorkloadReach } from './model.type';
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

/** External flows of one address→ports function: one entry per rendered CIDR group, with the `key` of its pieces' ports. */
export function externalGroups(
  pieces: readonly { lo: bigint; hi: bigint; key: string; ranges: PortRanges }[],
): { endpoint: CidrEndpoint; ports: FlowPorts[]; key: string }[] {
  const byPorts = new Map<string, { key: string; ranges: PortRanges; intervals: [bigint, bigint][] }>();
  for (const piece of pieces) {
    let group = byPorts.get(piece.key);
    if (!group) {
      group = { key: piece.key, ranges: piece.ranges, intervals: [] };
      byPorts.set(piece.key, group);
    }
    group.intervals.push([piece.lo, piece.hi]);
  }
  const out: { endpoint: CidrEndpoint; ports: FlowPorts[]; key: string; first: bigint }[] = [];
  for (const group of byPorts.values()) {
    const addresses: AddressSet = normalizeAddressSet(group.intervals);
    const ports = toFlowPorts(group.ranges);
    for (const rendered of renderAddressSet(addresses)) {
      const endpoint: CidrEndpoint = rendered.except ? { kind: 'cidr', cidr: rendered.cidr, except: rendered.except } : { kind: 'cidr', cidr: rendered.cidr };
      out.push({ endpoint, ports, key: group.key, first: addresses[0] });
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
  /** The open product's destinations a row merges: `productIds[0 .. productCount - 1]`, ascending. */
  private productIds: Int32Array;
  private productCount: number;

  /**
   * With `skip`, a row merged with the open product leaves out every destination namespace
   * flagged in `skip.namespaces` (read at each call): its listed pairs are stepped over, and its
   * product part is left out by `restrictProduct`, which the caller calls whenever the flags change.
   */
  constructor(
    private readonly data: ConnectivityData,
    private readonly skip?: NamespaceSkip,
  ) {
    this.dest = new Int32Array(data.workloadCount);
    this.ports = new Int32Array(data.workloadCount);
    this.productIds = data.open?.openInIds ?? new Int32Array(0);
    this.productCount = this.productIds.length;
  }

  /**
   * The product's destinations outside the namespaces `skip` flags: gathered once for a source
   * namespace's rows (into a reused buffer), instead of each open row stepping over a thousand
   * skipped namespaces of the product.
   */
  restrictProduct(buffer: Int32Array): void {
    const skip = this.skip as NamespaceSkip;
    const ids = (this.data.open as OpenProduct).openInIds;
    let k = 0;
    for (const b of skip.productNamespaces) {
      if (skip.namespaces[b]) continue;
      for (let x = skip.productStart[b]; x < skip.productStart[b + 1]; x++) buffer[k++] = ids[x];
    }
    this.productIds = buffer;
    this.productCount = k;
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
      // Most rows are a few pairs: copied in a loop, not through two subarray objects per row.
      if (end - i > 64) {
        dest.set(listedDest.subarray(i, end));
        ports.set(listedPorts.subarray(i, end));
      } else for (let k = 0; k < end - i; k++) {
        dest[k] = listedDest[i + k];
        ports[k] = listedPorts[i + k];
      }
      return end - i;
    }
    let n = 0;
    const ids = this.productIds;
    const idCount = this.productCount;
    const self = open.selfOpen[ws] === 1;
    const skip = this.skip;
    let j = 0;
    for (;;) {
      const listed = i < end ? listedDest[i] : count;
      if (skip && listed < count) {
        const b = skip.nsOf[listed];
        if (skip.namespaces[b]) {
          while (i < end && listedDest[i] < skip.nsStart[b + 1]) i++;
          continue;
        }
      }
      const product = j < idCount ? ids[j] : count;
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

/** Destination namespaces a PairRows leaves out of rows merged with the open product. */
interface NamespaceSkip {
  /** Per namespace: 1 to leave it out. */
  namespaces: Uint8Array;
  nsOf: Int32Array;
  /** Workload ids of namespace b: `nsStart[b] .. nsStart[b + 1] - 1`. */
  nsStart: Int32Array;
  /** The open product's destinations in namespace b: `openInIds[productStart[b] .. productStart[b + 1] - 1]`. */
  productStart: Int32Array;
  /** The namespaces with any, ascending. */
  productNamespaces: Int32Array;
}

/** One flow by numbers (see FlowTable): what a listing hands its visitor, with no object per flow. */
export type FlowVisitor = (from: number, to: number, ports: number) => void;

/**
 * The endpoints and port lists of one listing, by number. Endpoint keys: workload ids (0…W−1),
 * whole namespaces (W…W+N−1), then external address groups, numbered as they are first listed.
 * Port keys: port-set ids. Each key stands for one object, the one the listing's flow objects
 * carry, so a writer can render each once and find the text by key.
 */
export class FlowTable {
  private readonly workloadCount: number;
  private readonly namespaceEndpoints: (NamespaceEndpoint | undefined)[];
  private readonly externalEndpoints: CidrEndpoint[] = [];
  private readonly portsCache = new Map<number, FlowPorts[]>();
  private readonly groups = new Map<PiecewisePorts, { key: number; ports: number }[]>();

  constructor(private readonly source: Pick<FlowSource, 'inventory' | 'portRanges'>) {
    this.workloadCount = source.inventory.workloads.length;
    this.namespaceEndpoints = new Array(source.inventory.namespaces.length);
  }

  /** The endpoint of a key: a workload's own endpoint object, one object per namespace and per address group. */
  endpoint(key: number): Endpoint | NamespaceEndpoint {
    const w = this.workloadCount;
    if (key < w) return this.source.inventory.workloads[key].endpoint;
    const ns = key - w;
    if (ns < this.namespaceEndpoints.length) return (this.namespaceEndpoints[ns] ??= { kind: 'namespace', namespace: this.source.inventory.namespaces[ns].name });
    return this.externalEndpoints[ns - this.namespaceEndpoints.length];
  }

  /** The flow object of a flow by keys, sharing the table's endpoint and port objects. */
  flow(from: number, to: number, ports: number): AggregatedFlow {
    return { from: this.endpoint(from), to: this.endpoint(to), ports: this.ports(ports) };
  }

  /** The key of a whole namespace's endpoint (`ns/*`). */
  namespaceKey(ns: number): number {
    return this.workloadCount + ns;
  }

  /** The port list of a port-set id (TCP, UDP, SCTP), one array per id. */
  ports(id: number): FlowPorts[] {
    let value = this.portsCache.get(id);
    if (!value) {
      value = portRangesByProtocol(this.source.portRanges(id));
      this.portsCache.set(id, value);
    }
    return value;
  }

  /** The address groups of one address→ports function, rendered once: endpoint keys and port-set ids. */
  external(fn: PiecewisePorts): readonly { key: number; ports: number }[] {
    let value = this.groups.get(fn);
    if (!value) {
      const pieces = fn.ports.map((id, i) => ({ lo: fn.bounds[2 * i], hi: fn.bounds[2 * i + 1], key: String(id), ranges: this.source.portRanges(id) }));
      const base = this.workloadCount + this.namespaceEndpoints.length;
      value = externalGroups(pieces).map((g) => {
        this.externalEndpoints.push(g.endpoint);
        return { key: base + this.externalEndpoints.length - 1, ports: Number(g.key) };
      });
      this.groups.set(fn, value);
    }
    return value;
  }
}

/**
 * Flows in order, by numbers (`forEach`) or as objects (`objects`), computed a step at a time (a
 * source workload's row, a source namespace, a workload's external flows): memory is one step's
 * flows at most, whatever the number of flows.
 */
export class FlowListing<F extends AggregatedFlow = AggregatedFlow> {
  constructor(
    readonly table: FlowTable,
    private readonly steps: number,
    private readonly step: (i: number, visit: FlowVisitor) => void,
  ) {}

  /** Hands every flow to `visit`, in order. */
  forEach(visit: FlowVisitor): void {
    for (let i = 0; i < this.steps; i++) this.step(i, visit);
  }

  /** Every flow as an object, in one array (for lists small enough to hold). */
  toArray(): F[] {
    const table = this.table;
    const out: F[] = [];
    this.forEach((from, to, ports) => void out.push(table.flow(from, to, ports) as F));
    return out;
  }

  /** The same flows as objects, sharing endpoint and port objects (see FlowTable). */
  *objects(): Generator<F> {
    const table = this.table;
    const buffer: number[] = [];
    const push: FlowVisitor = (from, to, ports) => void buffer.push(from, to, ports);
    for (let i = 0; i < this.steps; i++) {
      buffer.length = 0;
      this.step(i, push);
      for (let k = 0; k < buffer.length; k += 3) yield table.flow(buffer[k], buffer[k + 1], buffer[k + 2]) as F;
    }
  }
}

const passes = (keep: FlowKeep | undefined, a: number, b: number): boolean =>
  !keep || ((keep.any[a] === 1 || keep.any[b] === 1) && (!keep.alsoAny || keep.alsoAny[a] === 1 || keep.alsoAny[b] === 1));

/** A workload's external flows: its inbound, then its outbound ones (the tail of every listing). */
function listExternal(source: FlowSource, table: FlowTable, keep: FlowKeep | undefined, w: number, visit: FlowVisitor): void {
  if (!passes(keep, w, w)) return;
  const inFn = source.data.ingressExternal.get(w);
  if (inFn) for (const g of table.external(inFn)) visit(g.key, w, g.ports);
  const egFn = source.data.egressExternal.get(w);
  if (egFn) for (const g of table.external(egFn)) visit(w, g.key, g.ports);
}

/**
 * Flows in connectivity order: workload→workload by source then destination (workload ids are
 * in namespace, kind, name order), then per workload its inbound and outbound external flows.
 */
export function listFlows(source: FlowSource, keep?: FlowKeep): FlowListing<Flow> {
  const count = source.inventory.workloads.length;
  const table = new FlowTable(source);
  const rows = new PairRows(source.data);
  return new FlowListing<Flow>(table, 2 * count, (step, visit) => {
    if (step >= count) return listExternal(source, table, keep, step - count, visit);
    const n = rows.row(step);
    const { dest, ports } = rows;
    if (!keep) for (let i = 0; i < n; i++) visit(step, dest[i], ports[i]);
    else for (let i = 0; i < n; i++) if (passes(keep, step, dest[i])) visit(step, dest[i], ports[i]);
  });
}

/**
 * Workload pairs counted per key (a destination namespace or workload) within one round (a source
 * namespace), with the port set they share. A key's counts are reset when the round first meets it
 * (its bit in `touchedBits` is clear); between rounds only the bitset's words that the round's keys
 * set are cleared.
 */
class PairTally {
  private readonly seen: Float64Array;
  private readonly common: Int32Array;
  /**
   * Keys counted this round, `touched[0 .. touchedCount - 1]`, in first-seen order until
   * `touchedAscending` rewrites them in ascending order. A typed array of the table's size: a
   * plain array emptied each round (thousands of rounds) gives up its storage and grows it again,
   * and that garbage was most of what an aggregated listing allocated.
   */
  readonly touched: Int32Array;
  touchedCount = 0;
  /** This round's keys as a bitset: which keys the round has met, and their order for `touchedAscending`. */
  private readonly touchedBits: Uint32Array;

  constructor(size: number) {
    this.seen = new Float64Array(size);
    this.common = new Int32Array(size);
    this.touched = new Int32Array(size);
    this.touchedBits = new Uint32Array((size + 31) >>> 5);
  }

  /** Starts counting afresh (also when a listing is walked again: the last round's keys are cleared here). */
  startRound(): void {
    for (let i = 0; i < this.touchedCount; i++) this.touchedBits[this.touched[i] >>> 5] = 0;
    this.touchedCount = 0;
  }

  add(key: number, ports: number): void {
    this.addMany(key, ports, 1);
  }

  /** `count` pairs of `key`, all on `ports`. */
  addMany(key: number, ports: number, count: number): void {
    const bit = 1 << (key & 31);
    if ((this.touchedBits[key >>> 5] & bit) === 0) {
      this.touchedBits[key >>> 5] |= bit;
      this.seen[key] = 0;
      this.common[key] = ports;
      this.touched[this.touchedCount++] = key;
    } else if (this.common[key] !== ports) this.common[key] = -1;
    this.seen[key] += count;
  }

  /**
   * This round's keys, ascending, in `touched`: read off the round's bitset, a 32-key word at a
   * time (a source namespace of an open cluster reaches a thousand namespaces through the open
   * product: sorting them, or scanning a stamp per key, cost more).
   */
  touchedAscending(): Int32Array {
    const bits = this.touchedBits;
    const touched = this.touched;
    const n = this.touchedCount;
    for (let w = 0, k = 0; k < n; w++) {
      for (let word = bits[w]; word !== 0; word &= word - 1) touched[k++] = (w << 5) | (31 - Math.clz32(word & -word));
    }
    return touched.subarray(0, n);
  }

  /** The port set every pair of `key` shares when exactly `expected` pairs were counted, else -1. */
  commonPorts(key: number, expected: number): number {
    return this.seen[key] === expected ? this.common[key] : -1;
  }
}

/**
 * Flows like `listFlows`, with the flows a whole namespace stands for as one flow. A namespace
 * endpoint `{ kind: 'namespace' }` means every workload of the namespace, and a flow with one
 * stands for every workload pair it names, with a workload to itself counted only when it has two
 * pods or more (one pod never reaches itself). Per source namespace `a`, in this order:
 * 1. `a/* => b/*` for each namespace `b` whose workloads all receive from all of `a`'s on the same ports;
 * 2. with `eitherEnd`, `a/* => workload` for each other destination every workload of `a` reaches
 *    on the same ports (when `a` has two workloads or more);
 * 3. per workload of `a`, by destination: with `eitherEnd`, `workload => b/*` where it reaches every
 *    workload of `b` on the same ports (`b` with two workloads or more, none of them in a line
 *    above); else its workload flows that no line above covers.
 * No two flows cover the same workload pair, so expanding them gives `listFlows` exactly.
 * External flows come last, as in `listFlows`.
 */
export function listAggregatedFlows(source: FlowSource, keep?: FlowKeep, eitherEnd = false): FlowListing {
  const { inventory } = source;
  const workloads = inventory.workloads;
  const namespaces = inventory.namespaces;
  const table = new FlowTable(source);
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

  // For the current source namespace: pairs per destination namespace and per destination workload.
  const byNamespace = new PairTally(namespaces.length);
  const byWorkload = new PairTally(workloads.length);
  const wholeNamespace = new Uint8Array(namespaces.length);
  const wholeSource = new Uint8Array(workloads.length);
  // Without a filter or per-workload folding, the open product (see OpenProduct) is counted a
  // namespace at a time and skipped a namespace at a time: its pairs, most of an open cluster's,
  // are never visited one by one unless printed.
  const product = !keep && !eitherEnd ? source.data.open : undefined;
  const productPlan = product ? openProductByNamespace(product, nsOf, namespaces.length) : undefined;
  // Rows of open sources leave out the namespaces folded into `a/* => b/*` (as the loop below skips them in other rows).
  const rows = new PairRows(source.data, productPlan ? { namespaces: wholeNamespace, nsOf, nsStart, productStart: productPlan.start, productNamespaces: productPlan.namespaces } : undefined);
  const productBuffer = product ? new Int32Array(product.openInIds.length) : undefined;
  const sourceNamespace = (a: number, visit: FlowVisitor): void => {
    const first = nsStart[a];
    const last = nsStart[a + 1];
    if (first === last) return;
    const sizeA = last - first;
    byNamespace.startRound();
    byWorkload.startRound();
    let openSources = 0;
    if (product && productPlan) openSources = tallyWithProduct(a, first, last, product, productPlan);
    else {
      for (let ws = first; ws < last; ws++) {
        const n = rows.row(ws);
        for (let i = 0; i < n; i++) {
          const wd = rows.dest[i];
          if (!passes(keep, ws, wd)) continue;
          byNamespace.add(nsOf[wd], rows.ports[i]);
          if (eitherEnd) byWorkload.add(wd, rows.ports[i]);
        }
      }
    }
    const aKey = table.namespaceKey(a);
    for (const b of byNamespace.touchedAscending()) {
      const ports = byNamespace.commonPorts(b, sizeA * (nsStart[b + 1] - nsStart[b]) - (a === b ? singles[a] : 0));
      wholeNamespace[b] = ports >= 0 ? 1 : 0;
      if (ports >= 0) visit(aKey, table.namespaceKey(b), ports);
    }
    if (eitherEnd && sizeA > 1) {
      for (const wd of byWorkload.touchedAscending()) {
        if (wholeNamespace[nsOf[wd]]) continue;
        const ports = byWorkload.commonPorts(wd, sizeA - (nsOf[wd] === a && pods[wd] < 2 ? 1 : 0));
        if (ports < 0) continue;
        wholeSource[wd] = 1;
        visit(aKey, wd, ports);
      }
    }
    // Open rows merge the product outside the namespaces just folded.
    if (openSources > 0) rows.restrictProduct(productBuffer as Int32Array);
    for (let ws = first; ws < last; ws++) {
      const n = rows.row(ws);
      const { dest, ports } = rows;
      // Destinations ascend, so each destination namespace is one run of the row.
      for (let i = 0; i < n; ) {
        const b = nsOf[dest[i]];
        const end = nsStart[b + 1];
        // The pairs a row to every workload of b holds (ws itself only with two pods).
        const wholeRun = end - nsStart[b] - (b === a && pods[ws] < 2 ? 1 : 0);
        if (wholeNamespace[b]) {
          // Covered by `a/* => b/*`.
          i += wholeRun;
          continue;
        }
        if (eitherEnd && end - nsStart[b] > 1) {
          // `ws => b/*` when the run is all of b on one port set, none of it in a line above.
          let j = i;
          const common = ports[i];
          let whole = true;
          for (; j < n && dest[j] < end; j++) {
            if (ports[j] !== common || wholeSource[dest[j]] || !passes(keep, ws, dest[j])) whole = false;
          }
          if (whole && j - i === wholeRun) {
            visit(ws, table.namespaceKey(b), common);
            i = j;
            continue;
          }
        }
        for (; i < n && dest[i] < end; i++) {
          if (!wholeSource[dest[i]] && passes(keep, ws, dest[i])) visit(ws, dest[i], ports[i]);
        }
      }
    }
    for (let i = 0; i < byNamespace.touchedCount; i++) wholeNamespace[byNamespace.touched[i]] = 0;
    for (let i = 0; i < byWorkload.touchedCount; i++) wholeSource[byWorkload.touched[i]] = 0;
  };
  const listed = source.data.pairs;
  /**
   * The tally of source namespace `a` when its rows merge the open product (as `PairRows.row`
   * does): listed pairs one by one, except those the product covers (all ports); the product per
   * destination namespace, its open workloads times a's open sources, less a source to itself
   * where the product leaves that out. Returns how many of a's workloads are open sources (rows
   * merged with the product).
   */
  const tallyWithProduct = (a: number, first: number, last: number, open: OpenProduct, plan: OpenProductPlan): number => {
    let openSources = 0;
    let selfLeftOut = 0;
    for (let ws = first; ws < last; ws++) {
      const openRow = open.openOut[ws] === 1;
      const self = open.selfOpen[ws] === 1;
      if (openRow) {
        openSources++;
        if (open.openIn[ws] === 1 && !self) selfLeftOut++;
      }
      for (let i = listed.rowStart[ws]; i < listed.rowStart[ws + 1]; i++) {
        const wd = listed.dest[i];
        if (openRow && open.openIn[wd] === 1 && (wd !== ws || self)) continue;
        byNamespace.add(nsOf[wd], listed.ports[i]);
      }
    }
    if (openSources === 0) return 0;
    for (const b of plan.namespaces) {
      const pairs = plan.start[b + 1] - plan.start[b];
      const count = pairs * openSources - (b === a ? selfLeftOut : 0);
      if (count > 0) byNamespace.addMany(b, PortSetTable.ALL, count);
    }
    return openSources;
  };
  const nsCount = namespaces.length;
  return new FlowListing(table, nsCount + workloads.length, (step, visit) =>
    step < nsCount ? sourceNamespace(step, visit) : listExternal(source, table, keep, step - nsCount, visit),
  );
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
  const table = new FlowTable(source);
  const external = (fn: PiecewisePorts) => table.external(fn).map((g) => ({ endpoint: table.endpoint(g.key) as CidrEndpoint, ports: table.ports(g.ports) }));
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
      inboundExternal: inFn ? external(inFn).map((g) => ({ from: g.endpoint, to: w.endpoint, ports: g.ports })) : [],
      outboundExternal: egFn ? external(egFn).map((g) => ({ from: w.endpoint, to: g.endpoint, ports: g.ports })) : [],
    };
  });
}

/** The open product's destinations by namespace: `openInIds[start[b] .. start[b + 1] - 1]` are b's, `namespaces` those with any. */
interface OpenProductPlan {
  start: Int32Array;
  namespaces: Int32Array;
}

function openProductByNamespace(open: OpenProduct, nsOf: Int32Array, namespaceCount: number): OpenProductPlan {
  const start = new Int32Array(namespaceCount + 1);
  for (const w of open.openInIds) start[nsOf[w] + 1]++;
  let withAny = 0;
  for (let b = 0; b < namespaceCount; b++) {
    if (start[b + 1] > 0) withAny++;
    start[b + 1] += start[b];
  }
  const namespaces = new Int32Array(withAny);
  for (let b = 0, k = 0; b < namespaceCount; b++) if (start[b + 1] > start[b]) namespaces[k++] = b;
  return { start, namespaces };
}
