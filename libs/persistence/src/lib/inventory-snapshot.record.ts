export type InventorySourceKind = 'WATCH' | 'UPLOAD';

export interface SnapshotNamespace {
  name: string;
  labels: Record<string, string>;
}

export interface SnapshotPodPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** A pod as analysis needs it: the shape of the engine's InventoryPod, plus every IP. */
export interface SnapshotPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Primary IP (`status.podIP`), absent until the pod has one. */
  ip?: string;
  ips: string[];
  /** Named container ports only: numeric policy ports need no lookup. */
  ports: SnapshotPodPort[];
  /** Owning workload resolved through owner references (ReplicaSet → Deployment, Job → CronJob); the pod itself when bare. */
  workload: { kind: string; name: string };
}

export interface InventorySnapshotSummary {
  id: string;
  clusterId: string;
  source: InventorySourceKind;
  takenAt: Date;
  contentHash: string;
  namespaceCount: number;
  podCount: number;
}

export interface InventorySnapshotRecord extends InventorySnapshotSummary {
  /** Sorted by name. */
  namespaces: SnapshotNamespace[];
  /** Sorted by namespace, then name. */
  pods: SnapshotPod[];
}

export interface NewInventorySnapshot {
  clusterId: string;
  source: InventorySourceKind;
  takenAt: Date;
  contentHash: string;
  namespaces: SnapshotNamespace[];
  pods: SnapshotPod[];
}
