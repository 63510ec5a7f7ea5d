import { createHash } from 'node:crypto';

import { canonicalJson, hashPolicySet, type NetworkPolicy } from '@palisade/netpol-engine';
import type { StoredPolicy } from '@palisade/persistence';

/**
 * Content-addresses each policy by the exact manifest kept (so a version reads back as submitted)
 * and hashes the set over its canonical form (so order and spelled-out defaults don't change it).
 */
export function toStoredPolicies(policies: NetworkPolicy[]): { contentHash: string; stored: StoredPolicy[] } {
  const stored = policies
    .map((policy) => ({
      namespace: policy.metadata.namespace,
      name: policy.metadata.name,
      hash: createHash('sha256').update(canonicalJson(policy)).digest('hex'),
      manifest: policy,
    }))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { contentHash: hashPolicySet(policies), stored };
}
