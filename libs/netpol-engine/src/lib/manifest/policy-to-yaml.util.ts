import { Document, parse, visit } from 'yaml';

import { canonicalizeNetworkPolicy } from './canonical-policy.util';
import type { NetworkPolicy } from './network-policy.type';

/**
 * Renders a policy as a YAML manifest in canonical form (see canonicalizeNetworkPolicy): fixed key
 * order, kubectl-style lists, no line folding, so that textual diffs between two versions show
 * only real changes. Strings that any YAML reader (1.1 like kubectl, or 1.2) could take for
 * another type (`"true"`, `"yes"`, `"0755"`, `""`) are double-quoted.
 *
 * @example
 * toYaml(policy)
 * // apiVersion: networking.k8s.io/v1
 * // kind: NetworkPolicy
 * // metadata:
 * //   name: default-deny-all
 * //   namespace: default
 * // spec:
 * //   podSelector: {}
 * //   policyTypes:
 * //   - Ingress
 * //   - Egress
 */
export function toYaml(policy: NetworkPolicy): string {
  const doc = new Document(canonicalizeNetworkPolicy(policy), { version: '1.1' });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && isAmbiguous(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0 });
}

// Plain words that YAML 1.1 or 1.2 resolve to booleans or null; other identifier-like strings
// starting with a letter are always strings, which spares a parse for nearly every scalar.
const KEYWORDS = new Set(
  ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null'].flatMap((w) => [w, w.toUpperCase(), w[0]?.toUpperCase() + w.slice(1)]),
);
const PLAIN_WORD = /^[A-Za-z][A-Za-z0-9._/-]*$/;

function isAmbiguous(text: string): boolean {
  if (PLAIN_WORD.test(text)) return KEYWORDS.has(text) || /^[eE]-?[0-9]+$/.test(text); // e5, e-5: floats to yaml's 1.1 schema
  try {
    return parse(text, { version: '1.1', logLevel: 'silent' }) !== text || parse(text, { version: '1.2', logLevel: 'silent' }) !== text;
  } catch {
    return true; // not even valid YAML on its own: quoting is always safe
  }
}

