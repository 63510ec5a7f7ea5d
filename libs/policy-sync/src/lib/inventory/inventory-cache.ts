import type { SnapshotNamespace, SnapshotPod, SnapshotPodPort } from '@palisade/persistence';

/** A controller owner reference, reduced to what workload resolution needs. */
export interface OwnerRef {
  kind: string;
  name: string;
}

/** A pod as kept in memory: a few hundred bytes, whatever the size of the pod object. */
export interface CompactPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ips: string[];
  ports: SnapshotPodPort[];
  owner: OwnerRef | null;
}

export interface CompactNamespace {
  name: string;
  labels: Record<string, string>;
}

interface RawMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
}

function controllerOf(metadata: RawMeta | undefined): OwnerRef | null {
  const ref = (metadata?.ownerReferences ?? []).find((r) => r.controller) ?? null;
  return ref?.kind && ref.name ? { kind: ref.kind, name: ref.name } : null;
}

export function toCompactNamespace(raw: unknown): CompactNamespace {
  const metadata = (raw as { metadata?: RawMeta }).metadata ?? {};
  return { name: metadata.name ?? '', labels: { ...(metadata.labels ?? {}) } };
}

export function toCompactOwner(raw: unknown): OwnerRef | null {
  return controllerOf((raw as { metadata?: RawMeta }).metadata);
}

interface RawPod {
  metadata?: RawMeta;
  spec?: { containers?: { ports?: { name?: string; containerPort?: number; protocol?: string }[] }[] };
  status?: { podIP?: string; podIPs?: { ip?: string }[] };
}

export function toCompactPod(raw: unknown): CompactPod {
  const { metadata = {}, spec, status } = raw as RawPod;
  const ips = (status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '');
  if (ips.length === 0 && status?.podIP) ips.push(status.podIP);
  const ports: SnapshotPodPort[] = [];
  for (const container of spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (!port.name || typeof port.containerPort !== 'number') continue; // numeric policy ports need no lookup
      ports.push({ name: port.name, port: port.containerPort, protocol: (port.protocol ?? 'TCP') as SnapshotPodPort['protocol'] });
    }
  }
  return { namespace: metadata.namespace ?? '', name: metadata.name ?? '', labels: { ...(metadata.labels ?? {}) }, ips, ports, owner: controllerOf(metadata) };
}

/** A keyed collection that counts real changes (an unchanged pod status update is not one). */
export class InventoryCollection<T> {
  readonly items = new Map<string, T>();
  private readonly fingerprints = new Map<string, string>();

  constructor(private readonly onChange: () => void) {}

  reset(items: Map<string, T>): void {
    const before = [...this.fingerprints.entries()].sort().join('\n');
    this.items.clear();
    this.fingerprints.clear();
    for (const [key, item] of items) this.set(key, item);
    if ([...this.fingerprints.entries()].sort().join('\n') !== before) this.onChange();
  }

  upsert(key: string, item: T): void {
    if (this.fingerprints.get(key) === JSON.stringify(item)) return;
    this.set(key, item);
    this.onChange();
  }

  delete(key: string): void {
    if (!this.items.delete(key)) return;
    this.fingerprints.delete(key);
    this.onChange();
  }

  private set(key: string, item: T): void {
    this.items.set(key, item);
    this.fingerprints.set(key, JSON.stringify(item));
  }
}

/**
 * The inventory of one cluster, fed by watches on namespaces, pods, ReplicaSets and Jobs, kept in
 * compact form so a 10k-pod cluster costs a few MB. `snapshot()` resolves each pod's workload
 * through owner references: ReplicaSet → Deployment, Job → CronJob.
 */
export class InventoryCache {
  /** Bumped on every real change; the snapshot writer compares it. */
  revision = 0;
  private readonly bump = (): void => void this.revision++;
  readonly namespaces = new InventoryCollection<CompactNamespace>(this.bump);
  readonly pods = new InventoryCollection<CompactPod>(this.bump);
  readonly replicaSets = new InventoryCollection<OwnerRef | null>(this.bump);
  readonly jobs = new InventoryCollection<OwnerRef | null>(this.bump);

  snapshot(): { namespaces: SnapshotNamespace[]; pods: SnapshotPod[] } {
    const namespaces = [...this.namespaces.items.values()]
      .map((ns) => ({ name: ns.name, labels: ns.labels }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const pods = [...this.pods.items.values()]
      .map((pod): SnapshotPod => ({
        namespace: pod.namespace,
        name: pod.name,
        labels: pod.labels,
        ...(pod.ips[0] ? { ip: pod.ips[0] } : {}),
        ips: pod.ips,
        ports: pod.ports,
        workload: this.workloadOf(pod),
      }))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    return { namespaces, pods };
  }

  private workloadOf(pod: CompactPod): { kind: string; name: string } {
    const owner = pod.owner;
    if (!owner) return { kind: 'Pod', name: pod.name };
    const parents = owner.kind === 'ReplicaSet' ? this.replicaSets : owner.kind === 'Job' ? this.jobs : null;
    const parent = parents?.items.get(`${pod.namespace}/${owner.name}`);
    if (parent && (parent.kind === 'Deployment' || parent.kind === 'CronJob')) return parent;
    return owner;
  }
}
