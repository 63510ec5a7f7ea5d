import type { FindingsInput, FindingsOptions, FindingsReport } from './finding.type';
import { FindingsContext, policySetFindings } from './policy-set-findings.util';
import { summarizeFindings } from './summarize-findings.util';

/**
 * Findings about a policy set as it stands: wide egress (to any address or outside private
 * space), wide ingress (from anywhere, all namespaces, outside the cluster), rules that policyTypes
 * makes ineffective and rules another rule makes redundant; with an inventory also policies that
 * select no pod and peers that match nothing. Pure and deterministic: same input, same report.
 *
 * @example
 * const report = findingsForPolicySet({ policies, inventory });
 * report.findings[0]; // { code: 'EGRESS_TO_INTERNET', severity: 'medium', policies: ['default/egress-access-myapp'], path: 'spec.egress[0].to[0].ipBlock', … }
 * report.maxSeverity; // 'medium'
 */
export function findingsForPolicySet(input: FindingsInput, options: FindingsOptions = {}): FindingsReport {
  return summarizeFindings(policySetFindings(new FindingsContext(input.policies, input.inventory, options)));
}
