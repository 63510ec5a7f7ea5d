import { createAnalysis } from './create-analysis.util';
import type { AnalysisInput, ReachQuery, ReachResult } from './model.type';

/**
 * Answers explicit connection queries, in query order. An endpoint is `namespace/pod` or an
 * IPv4/IPv6 address (an external address even if a pod has it). Pod→pod needs the source's
 * egress and the destination's ingress; IP→pod only the pod's ingress; pod→IP only the pod's
 * egress; a pod to itself and IP→IP (not cluster traffic) are always allowed.
 *
 * @example
 * reach({ inventory, policies }, [{ from: 'default/myapp-1', to: '1.1.1.1', port: 443, protocol: 'TCP' }]);
 * // [{ from: 'default/myapp-1', to: '1.1.1.1', port: 443, protocol: 'TCP', allowed: true }]
 * @throws AnalysisException UNKNOWN_POD, INVALID_ENDPOINT or INVALID_QUERY
 */
export function reach(input: AnalysisInput, queries: readonly ReachQuery[]): ReachResult[] {
  return createAnalysis(input).reach(queries);
}
