import type { Finding } from '@palisade/netpol-engine';

/**
 * One line per finding, like a compiler diagnostic: the subject policy's file first when known.
 * `policySource` maps `namespace/name` to that file.
 *
 * @example formatFinding(finding, new Map([['default/egress-access-myapp', 'policies.yaml']]))
 * // 'policies.yaml: MEDIUM EGRESS_TO_INTERNET (spec.egress[0].to[0].ipBlock): default/egress-access-myapp lets …'
 */
export function formatFinding(f: Finding, policySource?: ReadonlyMap<string, string>): string {
  const subject = f.policies[0];
  const file = subject === undefined ? undefined : policySource?.get(subject);
  const path = f.path && file ? ` (${f.path})` : '';
  return `${file ? `${file}: ` : ''}${f.severity.toUpperCase()} ${f.code}${path}: ${f.message}`;
}
