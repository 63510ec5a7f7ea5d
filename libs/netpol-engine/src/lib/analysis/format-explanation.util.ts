import type { Explanation, SideExplanation } from './model.type';

function side(name: string, subject: string, s: SideExplanation): string[] {
  if (!s.applicable) return [`  ${name}: not applicable (${subject} is an external address)`];
  if (!s.isolated) return [`  ${name} of ${subject}: not isolated (no policy selects it for ${name}) -> allowed`];
  const lines = [`  ${name} of ${subject}: isolated by ${s.selectingPolicies.join(', ')} -> ${s.allowed ? 'allowed' : 'denied'}`];
  for (const ref of s.allowedBy) lines.push(`    allowed by ${ref.policy} ${name} rule ${ref.rule}`);
  if (!s.allowed) lines.push(`    no ${name} rule of these policies matches`);
  return lines;
}

/**
 * A text rendering of an explanation.
 *
 * @example formatExplanation(explain(input, { from: 'default/myapp-1', to: '1.1.1.1', port: 443 }))
 * // default/myapp-1 -> 1.1.1.1 TCP 443: ALLOWED
 * //   egress of default/myapp-1: isolated by default/default-deny-all, default/deny-egress-allow-dns, default/egress-access-myapp -> allowed
 * //     allowed by default/egress-access-myapp egress rule 0
 * //   ingress: not applicable (1.1.1.1 is an external address)
 * //   (egress is allowed by 1 rule(s); ingress does not apply (external address))
 */
export function formatExplanation(e: Explanation): string {
  return [
    `${e.from} -> ${e.to} ${e.protocol} ${e.port}: ${e.allowed ? 'ALLOWED' : 'DENIED'}`,
    ...side('egress', e.from, e.egress),
    ...side('ingress', e.to, e.ingress),
    `  (${e.reason})`,
  ].join('\n');
}
