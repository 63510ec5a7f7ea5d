import type { NamespaceManifest, PodManifest, WorkloadManifest } from '../manifest';
import type { Inventory, InventoryPod, InventoryWorkload } from './model.type';

// A workload stands for its pods: two are enough to show traffic between replicas.
const MAX_TEMPLATE_PODS = 2;

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** The controller that names what it creates `<its name>-<suffix>`: a Deployment its ReplicaSets, a CronJob its Jobs. */
const NAMING_PARENT_KIND: Readonly<Record<string, string>> = { ReplicaSet: 'Deployment', Job: 'CronJob' };

/** The cluster read from manifests, plus which pod stands for each workload name. */
export interface ManifestInventory {
  inventory: Inventory;
  /** `namespace/workload name` → names of the workload's pods (for `explain ns/<workload>`). */
  workloadPods: Map<string, string[]>;
}

interface ResolvedWorkload {
  workload: InventoryWorkload;
  /** Keys of the workload objects of the input passed on the way up, the top-most last. */
  path: string[];
}

/**
 * A workload object's key. Lengths first: object names, namespaces and owner references are not
 * validated as Kubernetes names, so `a` + `Deployment` + `Job/x` must not meet `a/Deployment` + `Job` + `x`.
 */
const workloadKey = (namespace: string, kind: string, name: string): string => `${namespace.length}:${kind.length}:${namespace}${kind}${name}`;

/** Workload objects of the input by `namespace/kind/name`, each owned one able to reach its owner. */
class WorkloadGraph {
  private readonly byKey = new Map<string, WorkloadManifest>();

  constructor(workloads: readonly WorkloadManifest[]) {
    for (const w of workloads) this.byKey.set(workloadKey(w.namespace, w.kind, w.name), w);
  }

  /** The workload object of the input that controls `w` (ownerReferences stay within a namespace). */
  owner(w: WorkloadManifest): WorkloadManifest | undefined {
    if (w.ownerKind === undefined || w.ownerName === undefined) return undefined;
    const owner = this.byKey.get(workloadKey(w.namespace, w.ownerKind, w.ownerName));
    return owner === w ? undefined : owner;
  }

  /**
   * The top-most workload of the input above a controller reference `kind/name` in `namespace`,
   * following ownerReferences (Pod → ReplicaSet → Deployment, Pod → Job → CronJob). An owner
   * absent from the input is matched by name to its parent when that is present (ReplicaSet
   * `<deployment>-<hash>`, Job `<cronjob>-<n>`), else it is the workload itself. Kinds that are
   * not pod-creating workloads (a Node for a static pod) resolve to nothing.
   */
  resolve(namespace: string, kind: string, name: string): ResolvedWorkload | undefined {
    if (!WORKLOAD_KINDS.has(kind)) return undefined;
    let current = this.byKey.get(workloadKey(namespace, kind, name)) ?? this.namingParent(namespace, kind, name);
    if (!current) return { workload: { kind, name }, path: [] };
    const path: string[] = [];
    for (;;) {
      path.push(workloadKey(current.namespace, current.kind, current.name));
      const owner = this.owner(current);
      if (!owner || path.includes(workloadKey(owner.namespace, owner.kind, owner.name))) break; // a cycle ends where it closes
      current = owner;
    }
    return { workload: { kind: current.kind, name: current.name }, path };
  }

  private namingParent(namespace: string, kind: string, name: string): WorkloadManifest | undefined {
    const parentKind = NAMING_PARENT_KIND[kind];
    const dash = name.lastIndexOf('-');
    if (parentKind === undefined || dash <= 0) return undefined;
    return this.byKey.get(workloadKey(namespace, parentKind, name.slice(0, dash)));
  }
}

/**
 * Turns parsed manifests (`parseManifests`) into the analysis inventory. Pods keep their labels,
 * IP (status.podIP) and container ports; each belongs to the top-most workload object of the input
 * that controls it, through ownerReferences (Pod → ReplicaSet → Deployment, Pod → Job → CronJob;
 * an owner missing from the input is matched by name to its Deployment or CronJob).
 *
 * A workload object stands for min(replicas, 2) template pods `<name>-0`, `<name>-1` (its template's
 * labels and ports, no IP, so no ipBlock matches them; none when scaled to 0) only when no pod of the
 * input resolves to it or to a workload it owns, and never when a workload object of the input owns
 * it (that owner stands for it: an old ReplicaSet of a Deployment, a Job of a CronJob).
 *
 * @example
 * // kubectl get pods,replicasets,deployments -o json: Deployment myapp → ReplicaSet myapp-5d8f7c9b4 → 2 pods
 * inventoryFromManifests(parseManifests(json)).inventory.pods.map((p) => `${p.name} ${p.workload?.kind}/${p.workload?.name}`)
 * // ['myapp-5d8f7c9b4-h7xkq Deployment/myapp', 'myapp-5d8f7c9b4-w2m9p Deployment/myapp']
 * inventoryFromManifests({ namespaces: [], pods: [], workloads: [myappDeployment] }).inventory.pods
 * // [{ namespace: 'default', name: 'myapp-0', labels: { app: 'myapp' }, ports: [], workload: { kind: 'Deployment', name: 'myapp' } }]
 */
export function inventoryFromManifests(m: { namespaces: readonly NamespaceManifest[]; pods: readonly PodManifest[]; workloads: readonly WorkloadManifest[] }): ManifestInventory {
  const graph = new WorkloadGraph(m.workloads);
  const pods: InventoryPod[] = [];
  const withPods = new Set<string>();
  const workloadPods = new Map<string, string[]>();
  // The list of the last workload remembered: its pods mostly come one after another.
  let lastKey: string | undefined;
  let lastList: string[] = [];
  const remember = (key: string, pod: string): void => {
    if (key !== lastKey) {
      lastKey = key;
      const list = workloadPods.get(key);
      if (list) lastList = list;
      else workloadPods.set(key, (lastList = []));
    }
    lastList.push(pod);
  };
  // Pods of one controller resolve alike: once per owner reference (a ReplicaSet's pods share its
  // answer and its workload object), not once per pod.
  const resolved = new Map<string, { workload: InventoryWorkload; podsKey: string } | null>();
  // Pods of one controller mostly come one after another (kubectl lists them so): the previous
  // pod's owner is compared field by field before a key is built and looked up.
  let last: PodManifest | undefined;
  let lastEntry: { workload: InventoryWorkload; podsKey: string } | null = null;
  const resolveOwner = (pod: PodManifest): { workload: InventoryWorkload; podsKey: string } | null => {
    if (!pod.ownerKind || !pod.ownerName) return null;
    if (last && pod.ownerName === last.ownerName && pod.namespace === last.namespace && pod.ownerKind === last.ownerKind) return lastEntry;
    const key = workloadKey(pod.namespace, pod.ownerKind, pod.ownerName);
    let entry = resolved.get(key);
    if (entry === undefined) {
      const r = graph.resolve(pod.namespace, pod.ownerKind, pod.ownerName);
      if (r) for (const k of r.path) withPods.add(k);
      entry = r ? { workload: r.workload, podsKey: `${pod.namespace}/${r.workload.name}` } : null;
      resolved.set(key, entry);
    }
    last = pod;
    lastEntry = entry;
    return entry;
  };

  // An indexed loop: this runs once per read, mostly before it is optimized, where a for-of over
  // 100,000 pods allocates an iterator result per pod.
  for (let i = 0; i < m.pods.length; i++) {
    const pod = m.pods[i];
    const owner = resolveOwner(pod);
    if (owner) remember(owner.podsKey, pod.name);
    // Built field by field in the order the spread of optional fields gave: a literal per pod, no object spreads.
    const inventoryPod: InventoryPod = { namespace: pod.namespace, name: pod.name, labels: pod.labels };
    if (pod.ip !== undefined) inventoryPod.ip = pod.ip;
    inventoryPod.ports = pod.ports;
    if (owner) inventoryPod.workload = owner.workload;
    pods.push(inventoryPod);
  }

  // Template pods get names no pod of the input has in their namespace.
  let podNames: Set<string> | undefined;
  for (const w of m.workloads) {
    // Pods resolve to their top-most workload, which marks every workload object on the way.
    if (withPods.has(workloadKey(w.namespace, w.kind, w.name)) || graph.owner(w)) continue;
    const workload = { kind: w.kind, name: w.name };
    podNames ??= new Set(m.pods.map((p) => `${p.namespace}/${p.name}`));
    for (let i = 0; i < Math.min(w.replicas, MAX_TEMPLATE_PODS); i++) {
      let name = `${w.name}-${i}`;
      while (podNames.has(`${w.namespace}/${name}`)) name = `${name}x`;
      podNames.add(`${w.namespace}/${name}`);
      remember(`${w.namespace}/${workload.name}`, name);
      pods.push({ namespace: w.namespace, name, labels: w.templateLabels, ports: w.ports, workload });
    }
  }

  return { inventory: { namespaces: m.namespaces.map((ns) => ({ name: ns.name, labels: ns.labels })), pods }, workloadPods };
}
