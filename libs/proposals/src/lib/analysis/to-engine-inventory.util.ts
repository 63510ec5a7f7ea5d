import type { Inventory } from '@palisade/netpol-engine';

interface StoredInventory {
  namespaces: { name: string; labels: Record<string, string> }[];
  pods: { namespace: string; name: string; labels: Record<string, string>; ip?: string; ports: { name: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[]; workload: { kind: string; name: string } }[];
}

/**
 * A stored inventory snapshot as the engine's inventory.
 *
 * @example toEngineInventory({ namespaces: [{ name: 'default', labels: {} }], pods: [] }) // { namespaces: [{ name: 'default', labels: {} }], pods: [] }
 */
export function toEngineInventory(snapshot: StoredInventory): Inventory {
  return {
    namespaces: snapshot.namespaces.map((ns) => ({ name: ns.name, labels: ns.labels })),
    pods: snapshot.pods.map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      ...(pod.ip === undefined ? {} : { ip: pod.ip }),
      ports: pod.ports,
      workload: pod.workload,
    })),
  };
}
