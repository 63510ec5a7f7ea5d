import { formatManifestError, type NetworkPolicy, parseNetworkPolicies } from '@palisade/netpol-engine';

import { PolicyVersionsErrorCode, PolicyVersionsException } from './policy-versions.exception';

/** A policy set as submitted: YAML text (one or more documents) or already-parsed JSON objects. */
export type PolicySetInput = { format: 'yaml'; text: string } | { format: 'json'; policies: unknown[] };

/**
 * Parses and validates a submitted policy set; any invalid document rejects the whole set, with
 * every error naming its document, line (YAML) and field path.
 */
export function parsePolicySetInput(input: PolicySetInput): NetworkPolicy[] {
  const result = parseNetworkPolicies(input.format === 'yaml' ? input.text : input.policies);
  if (!result.ok) {
    throw new PolicyVersionsException(
      PolicyVersionsErrorCode.MANIFEST_INVALID,
      `${result.errors.length} error(s) in the submitted policies: ${result.errors.map(formatManifestError).join('; ')}`,
      result.errors.map((e) => ({ path: e.path, message: e.message, document: e.document, line: e.line, source: e.source })),
    );
  }
  return result.policies;
}
