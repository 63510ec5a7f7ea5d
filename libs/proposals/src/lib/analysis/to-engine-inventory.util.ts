import type { Inventory } from '@palisade/netpol-engine';
import type { SnapshotNamespace, SnapshotPod } from '@palisade/persistence';

/**
 * A stored inventory snapshot as the engine's inventory.
 *
 * @example toEngineInventory({ namespaces: [{ name: 'default', labels: {} }], pods: [] }) // { namespaces: [{ name: 'default', labels: {} }], pods: [] }
 */
export function toEngineInventory(snapshot: { namespaces: SnapshotNamespace[]; pods: SnapshotPod[] }): Inventory {
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
