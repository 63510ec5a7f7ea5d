import type { ConnectivityData } from './connectivity-engine.util';
import { type AddressSet, normalizeAddressSet, renderAddressSet } from './ip-address.util';
import type { CidrEndpoint, ConnectivityDiff, Flow, FlowPorts, WorkloadEndpoint } from './model.type';
import { type PiecewisePorts, subtractPiecewise } from './piecewise-ports.util';
import { type PortRanges, portRangesByProtocol, subtractPortRanges } from './port-set.util';
import type { PreparedInventory } from './prepared-inventory.util';

/** What flows are built from: the data, the workloads it numbers, and its port sets. */
export interface FlowSource {
  data: ConnectivityData;
  inventory: PreparedInventory;
  portRanges: (id: number) => PortRanges;
}

function toFlowPorts(ranges: PortRanges): FlowPorts[] {
  return portRangesByProtocol(ranges);
}

/** External flows of one address→ports function: one entry per rendered CIDR group. */
function externalGroups(
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
 * Turns connectivity data into flows, ordered by source workload then destination workload,
 * followed per workload by flows from and to external address groups.
 */
export function toFlows(source: FlowSource): Flow[] {
  const { data, inventory } = source;
  const workloads = inventory.workloads;
  const count = data.workloadCount;
  const portsCache = new Map<number, FlowPorts[]>();
  const portsOf = (id: number): FlowPorts[] => {
    let value = portsCache.get(id);
    if (!value) {
      value = toFlowPorts(source.portRanges(id));
      portsCache.set(id, value);
    }
    return value;
  };
  const flows: Flow[] = [];
  const keys = Float64Array.from(data.pairs.keys()).sort();
  for (const key of keys) {
    const from = Math.floor(key / count);
    const to = key - from * count;
    flows.push({ from: workloads[from].endpoint, to: workloads[to].endpoint, ports: portsOf(data.pairs.get(key) as number) });
  }
  const rendered = new Map<PiecewisePorts, ReturnType<typeof externalGroups>>();
  const render = (fn: PiecewisePorts) => {
    let value = rendered.get(fn);
    if (!value) {
      const pieces = fn.ports.map((id, i) => ({ lo: fn.bounds[2 * i], hi: fn.bounds[2 * i + 1], key: String(id), ranges: source.portRanges(id) }));
      value = externalGroups(pieces);
      rendered.set(fn, value);
    }
    return value;
  };
  for (let w = 0; w < workloads.length; w++) {
    const inFn = data.ingressExternal.get(w);
    if (inFn) for (const g of render(inFn)) flows.push({ from: g.endpoint, to: workloads[w].endpoint, ports: g.ports });
    const egFn = data.egressExternal.get(w);
    if (egFn) for (const g of render(egFn)) flows.push({ from: workloads[w].endpoint, to: g.endpoint, ports: g.ports });
  }
  return flows;
}

function workloadSortKey(endpoint: WorkloadEndpoint | CidrEndpoint): string {
  return endpoint.kind === 'workload'
    ? `0\u0000${endpoint.namespace}\u0000${endpoint.workloadKind}\u0000${endpoint.name}`
    : `1\u0000${endpoint.cidr}\u0000${(endpoint.except ?? []).join(',')}`;
}

function sortFlows(flows: Flow[]): Flow[] {
  const keyed = flows.map((flow) => ({ flow, key: `${workloadSortKey(flow.from)}\u0001${workloadSortKey(flow.to)}` }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.flow);
}

/** Flows of `a` not in `b` (port by port, address by address), aggregated like connectivity. */
function subtractFlows(a: FlowSource, b: FlowSource, sameWorkloads: boolean): Flow[] {
  const out: Flow[] = [];
  const aCount = a.data.workloadCount;
  const bCount = b.data.workloadCount;
  const bWorkload = (w: number): number | undefined => {
    if (sameWorkloads) return w;
    return bIndex.get(a.inventory.workloads[w].key);
  };
  const bIndex = new Map<string, number>();
  if (!sameWorkloads) for (const w of b.inventory.workloads) bIndex.set(w.key, w.id);
  for (const [key, portsId] of a.data.pairs) {
    const from = Math.floor(key / aCount);
    const to = key - from * aCount;
    const bFrom = bWorkload(from);
    const bTo = bWorkload(to);
    const bPorts = bFrom === undefined || bTo === undefined ? undefined : b.data.pairs.get(bFrom * bCount + bTo);
    const ranges = a.portRanges(portsId);
    const left = bPorts === undefined ? [...ranges] : subtractPortRanges(ranges, b.portRanges(bPorts));
    if (left.length > 0) out.push({ from: a.inventory.workloads[from].endpoint, to: a.inventory.workloads[to].endpoint, ports: toFlowPorts(left) });
  }
  const external = (aMap: Map<number, PiecewisePorts>, bMap: Map<number, PiecewisePorts>, inbound: boolean) => {
    for (const [w, fn] of aMap) {
      const bw = bWorkload(w);
      const other = (bw === undefined ? undefined : bMap.get(bw)) ?? { bounds: [], ports: [] };
      const pieces = subtractPiecewise(fn, a.portRanges, other, b.portRanges, subtractPortRanges).map((p) => ({ ...p, key: p.ranges.join(',') }));
      if (pieces.length === 0) continue;
      const endpoint = a.inventory.workloads[w].endpoint;
      for (const g of externalGroups(pieces)) {
        out.push(inbound ? { from: g.endpoint, to: endpoint, ports: g.ports } : { from: endpoint, to: g.endpoint, ports: g.ports });
      }
    }
  };
  external(a.data.ingressExternal, b.data.ingressExternal, true);
  external(a.data.egressExternal, b.data.egressExternal, false);
  return sortFlows(out);
}

/**
 * Flows opened (`added`) and closed (`removed`) from `before` to `after`, compared per port
 * and per address. `sameWorkloads` says both number workloads identically (same inventory).
 */
export function diffFlowSources(before: FlowSource, after: FlowSource, sameWorkloads: boolean): ConnectivityDiff {
  return { added: subtractFlows(after, before, sameWorkloads), removed: subtractFlows(before, after, sameWorkloads) };
}
