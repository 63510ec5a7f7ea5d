import type { NamespaceManifest, PodManifest, WorkloadManifest } from '../manifest';
import type { Inventory, InventoryPod, InventoryWorkload } from './model.type';

// A workload stands for its pods: two are enough to show traffic between replicas.
const MAX_TEMPLATE_PODS = 2;

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** The cluster read from manifests, plus which pod stands for each workload name. */
export interface ManifestInventory {
  inventory: Inventory;
  /** `namespace/workload name` → names of the workload's pods (for `explain ns/<workload>`). */
  workloadPods: Map<string, string[]>;
}

/**
 * The workload a pod belongs to. A pod's controller is a ReplicaSet `<deployment>-<hash>` for a
 * Deployment and a Job `<cronjob>-<n>` for a CronJob: such pods are counted under the Deployment
 * or CronJob when the manifests define it.
 */
function podWorkload(pod: PodManifest, workloads: Set<string>): InventoryWorkload | undefined {
  const kind = pod.ownerKind;
  const name = pod.ownerName;
  if (!kind || !name || !WORKLOAD_KINDS.has(kind)) return undefined;
  const parentKind = kind === 'ReplicaSet' ? 'Deployment' : kind === 'Job' ? 'CronJob' : undefined;
  const dash = name.lastIndexOf('-');
  if (parentKind && dash > 0) {
    const parent = name.slice(0, dash);
    if (workloads.has(`${pod.namespace}/${parentKind}/${parent}`)) return { kind: parentKind, name: parent };
  }
  return { kind, name };
}

/**
 * Turns parsed manifests (`parseManifests`) into the analysis inventory. Pods keep their labels, IP (status.podIP),
 * container ports and owning workload. A workload with no Pod manifest of its own stands for
 * min(replicas, 2) pods `<name>-0`, `<name>-1` with its template's labels and ports and no IP
 * (so no ipBlock matches them); one scaled to 0 has no pods.
 *
 * @example inventoryFromManifests({ namespaces, pods: [], workloads: [myappDeployment] }).inventory.pods
 * // [{ namespace: 'default', name: 'myapp-0', labels: { app: 'myapp' }, ports: [], workload: { kind: 'Deployment', name: 'myapp' } }]
 */
export function inventoryFromManifests(m: { namespaces: readonly NamespaceManifest[]; pods: readonly PodManifest[]; workloads: readonly WorkloadManifest[] }): ManifestInventory {
  const workloadKeys = new Set(m.workloads.map((w) => `${w.namespace}/${w.kind}/${w.name}`));
  const pods: InventoryPod[] = [];
  const podNames = new Set<string>();
  const withPods = new Set<string>();
  const workloadPods = new Map<string, string[]>();
  const remember = (namespace: string, workload: InventoryWorkload, pod: string): void => {
    const key = `${namespace}/${workload.name}`;
    const list = workloadPods.get(key);
    if (list) list.push(pod);
    else workloadPods.set(key, [pod]);
  };

  for (const pod of m.pods) {
    const workload = podWorkload(pod, workloadKeys);
    podNames.add(`${pod.namespace}/${pod.name}`);
    if (workload) {
      withPods.add(`${pod.namespace}/${workload.kind}/${workload.name}`);
      remember(pod.namespace, workload, pod.name);
    }
    pods.push({
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      ...(pod.ip === undefined ? {} : { ip: pod.ip }),
      ports: pod.ports,
      ...(workload ? { workload } : {}),
    });
  }

  for (const w of m.workloads) {
    if (withPods.has(`${w.namespace}/${w.kind}/${w.name}`)) continue;
    const workload = { kind: w.kind, name: w.name };
    for (let i = 0; i < Math.min(w.replicas, MAX_TEMPLATE_PODS); i++) {
      let name = `${w.name}-${i}`;
      while (podNames.has(`${w.namespace}/${name}`)) name = `${name}x`;
      podNames.add(`${w.namespace}/${name}`);
      remember(w.namespace, workload, name);
      pods.push({ namespace: w.namespace, name, labels: w.templateLabels, ports: w.ports, workload });
    }
  }

  return { inventory: { namespaces: m.namespaces.map((ns) => ({ name: ns.name, labels: ns.labels })), pods }, workloadPods };
}
