import type { Inventory } from '../../analysis/model.type';
import type { NetworkPolicy, NetworkPolicySpec } from '../../manifest/network-policy.type';

/** A NetworkPolicy in `namespace` with the given spec. */
export function np(namespace: string, name: string, spec: NetworkPolicySpec): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec };
}

export const web = { matchLabels: { app: 'web' } };
export const db = { matchLabels: { app: 'db' } };

/** shop (team=shop): web ×2, db; ops (team=ops): monitor. */
export const inventory: Inventory = {
  namespaces: [
    { name: 'shop', labels: { team: 'shop' } },
    { name: 'ops', labels: { team: 'ops' } },
  ],
  pods: [
    { namespace: 'shop', name: 'web-0', labels: { app: 'web' }, ip: '10.1.0.1', workload: { kind: 'Deployment', name: 'web' } },
    { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ip: '10.1.0.2', workload: { kind: 'Deployment', name: 'web' } },
    { namespace: 'shop', name: 'db-0', labels: { app: 'db' }, ip: '10.1.0.3', ports: [{ name: 'pg', port: 5432 }], workload: { kind: 'StatefulSet', name: 'db' } },
    { namespace: 'ops', name: 'monitor', labels: { app: 'monitor' }, ip: '10.2.0.1' },
  ],
};
