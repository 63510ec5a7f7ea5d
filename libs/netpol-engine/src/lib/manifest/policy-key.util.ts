import type { NetworkPolicy, PolicyRef } from './network-policy.type';

/**
 * The `namespace/name` key of a policy, as used for sorting, duplicates and content addressing.
 *
 * @example policyKey({ namespace: 'shop', name: 'default-deny-all' }) // 'shop/default-deny-all'
 */
export function policyKey(p: PolicyRef | Pick<NetworkPolicy, 'metadata'>): string {
  const ref = 'metadata' in p ? p.metadata : p;
  return `${ref.namespace}/${ref.name}`;
}
