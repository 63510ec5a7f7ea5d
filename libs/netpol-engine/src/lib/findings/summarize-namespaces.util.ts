import type { Analysis } from '../analysis/create-analysis.util';
import type { CidrEndpoint, Flow } from '../analysis/model.type';
import { endpointAddresses, privateAddressSet } from './address-space.util';
import { type AddressSet, subtractAddressSets } from './analysis-primitives.util';

/** What a security team reads first about one namespace. */
export interface NamespaceSummary {
  namespace: string;
  /** Workloads (a bare pod is its own). */
  workloads: number;
  /** Workloads every pod of which a policy isolates for ingress (for egress). */
  ingressIsolated: number;
  egressIsolated: number;
  /** Workloads some workload of another namespace reaches. */
  reachableFromOtherNamespaces: number;
  /** Workloads reachable from an internet address (outside PRIVATE_ADDRESS_RANGES and `privateCidrs`). */
  reachableFromInternet: number;
  /** Workloads that reach an internet address. */
  reachingInternet: number;
}

export interface SummaryOptions {
  /** CIDRs that do not count as the internet, in addition to PRIVATE_ADDRESS_RANGES. */
  privateCidrs?: readonly string[];
  /** Only these namespaces (all when absent). */
  namespaces?: readonly string[];
}

/** Whether a flow's external endpoint holds an internet address; workloads share endpoint objects, so each is tested once. */
function touchesInternet(flows: readonly Flow[], privateSet: AddressSet, known: Map<CidrEndpoint, boolean>): boolean {
  return flows.some((f) => {
    const external = f.from.kind === 'cidr' ? f.from : f.to.kind === 'cidr' ? f.to : undefined;
    if (external === undefined) return false;
    let internet = known.get(external);
    if (internet === undefined) {
      internet = subtractAddressSets(endpointAddresses(external), privateSet).length > 0;
      known.set(external, internet);
    }
    return internet;
  });
}

/**
 * Per namespace of the inventory (name order): its workloads, how many are isolated for ingress
 * and for egress, and how many are reachable from other namespaces, from the internet, and reach
 * the internet. Counts come from the analysis's flows without listing workload pairs.
 *
 * @example summarizeNamespaces(createAnalysis({ inventory, policies }))
 * // [{ namespace: 'prod', workloads: 3, ingressIsolated: 3, egressIsolated: 0, reachableFromOtherNamespaces: 1, reachableFromInternet: 1, reachingInternet: 3 }]
 */
export function summarizeNamespaces(analysis: Analysis, options: SummaryOptions = {}): NamespaceSummary[] {
  const privateSet = privateAddressSet(options.privateCidrs);
  const wanted = options.namespaces ? new Set(options.namespaces) : undefined;
  const known = new Map<CidrEndpoint, boolean>();
  const rows = new Map<string, NamespaceSummary>();
  const row = (namespace: string): NamespaceSummary => {
    let r = rows.get(namespace);
    if (!r) {
      r = { namespace, workloads: 0, ingressIsolated: 0, egressIsolated: 0, reachableFromOtherNamespaces: 0, reachableFromInternet: 0, reachingInternet: 0 };
      rows.set(namespace, r);
    }
    return r;
  };
  for (const ns of analysis.namespaces) if (!wanted || wanted.has(ns)) row(ns);
  for (const reach of analysis.workloadReach()) {
    if (wanted && !wanted.has(reach.workload.namespace)) continue;
    const r = row(reach.workload.namespace);
    r.workloads++;
    if (reach.ingressIsolated) r.ingressIsolated++;
    if (reach.egressIsolated) r.egressIsolated++;
    if (reach.reachedFromOtherNamespaces) r.reachableFromOtherNamespaces++;
    if (touchesInternet(reach.inboundExternal, privateSet, known)) r.reachableFromInternet++;
    if (touchesInternet(reach.outboundExternal, privateSet, known)) r.reachingInternet++;
  }
  return [...rows.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
}
