import { createAnalysis } from './create-analysis.util';
import type { AnalysisInput, Explanation, ReachQuery } from './model.type';

/**
 * Why one connection is allowed or denied: on the egress side (source pod) and the ingress
 * side (destination pod), whether the pod is isolated, by which policies, and every rule
 * (0-based index in `spec.egress` / `spec.ingress`) that allows the connection.
 *
 * @example
 * explain({ inventory, policies }, { from: 'default/other', to: 'default/myapp-1', port: 80 });
 * // { allowed: false, egress: { isolated: true, selectingPolicies: ['default/default-deny-all', …], allowedBy: [], … }, ingress: { … } }
 */
export function explain(input: AnalysisInput, query: ReachQuery): Explanation {
  return createAnalysis(input).explain(query);
}
