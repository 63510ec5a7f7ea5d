import { type Inventory, type InventoryPodPort } from '@palisade/netpol-engine';
import type { SnapshotNamespace, SnapshotPod, SnapshotPodPort } from '@palisade/persistence';

export interface SnapshotContent {
  namespaces: SnapshotNamespace[];
  pods: SnapshotPod[];
}

function namedPorts(ports: readonly InventoryPodPort[] | undefined): SnapshotPodPort[] {
  // As the watches store them: numeric policy ports need no lookup, so only named ports are kept.
  return (ports ?? []).flatMap((p) => (p.name ? [{ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' }] : []));
}

/**
 * The engine's inventory (`inventoryFromManifests`) in the stored snapshot shape, sorted exactly as
 * the worker's snapshots are (InventoryCache.snapshot), so that the same cluster state hashes the same.
 */
export function toSnapshotContent(inventory: Inventory): SnapshotContent {
  const namespaces = inventory.namespaces
    .map((ns) => ({ name: ns.name, labels: { ...(ns.labels ?? {}) } }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const pods = inventory.pods
    .map((pod): SnapshotPod => ({
      namespace: pod.namespace,
      name: pod.name,
      labels: { ...(pod.labels ?? {}) },
      ...(pod.ip ? { ip: pod.ip } : {}),
      ips: pod.ip ? [pod.ip] : [],
      ports: namedPorts(pod.ports),
      workload: pod.workload ? { kind: pod.workload.kind, name: pod.workload.name } : { kind: 'Pod', name: pod.name },
    }))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { namespaces, pods };
}
