import { createAnalysis } from './create-analysis.util';
import type { AnalysisInput, Flow } from './model.type';

/**
 * Every allowed flow, aggregated per workload and per external address group, with ports as
 * ranges per protocol. A port is in a workload→workload flow when some pod of the source can
 * reach some other pod of the destination on it (a pod to itself is not listed). External
 * addresses are grouped per workload and direction by identical ports and rendered as CIDRs
 * (or one covering CIDR with `except`, when shorter). IPv4 and IPv6 are never mixed.
 *
 * @example
 * connectivity({ inventory, policies }).map(formatFlow);
 * // ['prod/frontend[Deployment] => prod/api[Deployment] : TCP 8080', 'prod/api[Deployment] => 1.1.1.1/32 : TCP 443']
 */
export function connectivity(input: AnalysisInput): Flow[] {
  return createAnalysis(input).connectivity();
}
