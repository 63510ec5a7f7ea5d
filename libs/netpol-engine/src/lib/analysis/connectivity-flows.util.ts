import type { ConnectivityData } from './connectivity-engine.util';
import { externalGroups, listFlows, toFlowPorts } from './flow-iteration.util';
import type { CidrEndpoint, ConnectivityDiff, Flow, WorkloadEndpoint } from './model.type';
import { type PiecewisePorts, subtractPiecewise } from './piecewise-ports.util';
import { type PortRanges, subtractPortRanges } from './port-set.util';
import { type PreparedInventory, workloadKey } from './prepared-inventory.util';

/** What flows are built from: the data, the workloads it numbers, and its port sets. */
export interface FlowSource {
  data: ConnectivityData;
  inventory: PreparedInventory;
  portRanges: (id: number) => PortRanges;
}

/**
 * Turns connectivity data into flows, ordered by source workload then destination workload,
 * followed per workload by flows from and to external address groups.
 */
export function toFlows(source: FlowSource): Flow[] {
  return listFlows(source).toArray();
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
  // Other inventories: each workload of `a` matched by its key once (-1: not in `b`).
  let toB: Int32Array | undefined;
  if (!sameWorkloads) {
    const bIndex = new Map<string, number>();
    for (const w of b.inventory.workloads) bIndex.set(workloadKey(w), w.id);
    toB = Int32Array.from(a.inventory.workloads, (w) => bIndex.get(workloadKey(w)) ?? -1);
  }
  const bWorkload = (w: number): number | undefined => {
    if (!toB) return w;
    return toB[w] < 0 ? undefined : toB[w];
  };
  const { rowStart, dest, ports } = a.data.pairs;
  for (let from = 0; from < a.data.workloadCount; from++) {
    const bFrom = bWorkload(from);
    for (let i = rowStart[from]; i < rowStart[from + 1]; i++) {
      const to = dest[i];
      const bTo = bWorkload(to);
      const bPorts = bFrom === undefined || bTo === undefined ? undefined : b.data.pairs.get(bFrom, bTo);
      const ranges = a.portRanges(ports[i]);
      const left = bPorts === undefined ? [...ranges] : subtractPortRanges(ranges, b.portRanges(bPorts));
      if (left.length > 0) out.push({ from: a.inventory.workloads[from].endpoint, to: a.inventory.workloads[to].endpoint, ports: toFlowPorts(left) });
    }
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
