import { formatManifestError, type NetworkPolicy, parseNetworkPolicies } from '@palisade/netpol-engine';
import { Parser } from 'yaml';

import { PolicyVersionsErrorCode, PolicyVersionsException } from './policy-versions.exception';

/**
 * A policy set as submitted: YAML text (one or more documents) or already-parsed JSON objects; or
 * `checked`, policies another thread already parsed and validated with parsePolicySetInput.
 */
export type PolicySetInput = { format: 'yaml'; text: string } | { format: 'json'; policies: unknown[] } | { format: 'checked'; policies: NetworkPolicy[] };

export interface PolicySetLimits {
  /** Most documents (NetworkPolicies) one set may hold (POLICY_SET_MAX_DOCUMENTS). */
  maxDocuments: number;
}

export const DEFAULT_POLICY_SET_LIMITS: PolicySetLimits = { maxDocuments: 10_000 };

/** How many errors of an invalid set the message names; `details` lists them all (the transport truncates). */
const ERRORS_IN_MESSAGE = 10;

/** Documents in a YAML stream, counting no further than `stopAfter` (the syntax tree is built lazily). */
function countYamlDocuments(text: string, stopAfter: number): number {
  let count = 0;
  for (const token of new Parser().parse(text)) {
    if (token.type === 'document' && ++count >= stopAfter) break;
  }
  return count;
}

function tooMany(count: string, limits: PolicySetLimits): PolicyVersionsException {
  return new PolicyVersionsException(
    PolicyVersionsErrorCode.TOO_MANY_POLICIES,
    `the policy set holds ${count} documents; at most ${limits.maxDocuments} are accepted (POLICY_SET_MAX_DOCUMENTS)`,
    [{ path: 'policies', message: `at most ${limits.maxDocuments} documents` }],
  );
}

/**
 * Parses and validates a submitted policy set; any invalid document rejects the whole set, with
 * every error naming its document, line (YAML) and field path. A set of more than
 * `limits.maxDocuments` documents is refused before its documents are read.
 */
export function parsePolicySetInput(input: PolicySetInput, limits: PolicySetLimits = DEFAULT_POLICY_SET_LIMITS): NetworkPolicy[] {
  if (input.format === 'checked') return input.policies;
  if (input.format === 'json' && input.policies.length > limits.maxDocuments) throw tooMany(String(input.policies.length), limits);
  if (input.format === 'yaml' && countYamlDocuments(input.text, limits.maxDocuments + 1) > limits.maxDocuments) throw tooMany('more than that', limits);
  const result = parseNetworkPolicies(input.format === 'yaml' ? input.text : input.policies);
  if (!result.ok) {
    const named = result.errors.slice(0, ERRORS_IN_MESSAGE).map(formatManifestError).join('; ');
    const more = result.errors.length > ERRORS_IN_MESSAGE ? `; and ${result.errors.length - ERRORS_IN_MESSAGE} more` : '';
    throw new PolicyVersionsException(
      PolicyVersionsErrorCode.MANIFEST_INVALID,
      `${result.errors.length} error(s) in the submitted policies: ${named}${more}`,
      result.errors.map((e) => ({ path: e.path, message: e.message, document: e.document, line: e.line, source: e.source })),
    );
  }
  // A `kind: List` counts as one document above; its items count here.
  if (result.policies.length > limits.maxDocuments) throw tooMany(String(result.policies.length), limits);
  return result.policies;
}
