export type SyncStatusKind = 'IN_SYNC' | 'PENDING' | 'SYNCING' | 'DRIFTED' | 'FAILED' | 'UNREACHABLE';
export type DriftModeKind = 'REPORT' | 'HEAL';

/**
 * One object that differs from the applied version: a managed policy edited (`MODIFIED`) or deleted
 * (`DELETED`) by hand, a NetworkPolicy Palisade does not manage (`UNMANAGED`), or one labelled as
 * managed that the version does not contain (`UNEXPECTED`).
 */
export interface DriftItem {
  namespace: string;
  name: string;
  kind: 'MODIFIED' | 'DELETED' | 'UNMANAGED' | 'UNEXPECTED';
  reason: string;
}

/** A field of a policy Palisade applies that another field manager owns. */
export interface SyncConflict {
  namespace: string;
  name: string;
  field: string;
  manager: string;
}

export interface ClusterSyncStateRecord {
  clusterId: string;
  status: SyncStatusKind;
  appliedVersion: number | null;
  failedVersion: number | null;
  attempts: number;
  nextRetryAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastAppliedAt: Date | null;
  conflicts: SyncConflict[];
  drift: DriftItem[];
  driftDetectedAt: Date | null;
  driftMode: DriftModeKind;
  forceConflicts: boolean;
  leaseHolder: string | null;
  leaseExpiresAt: Date | null;
  fencingToken: bigint;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a worker writes about its progress. */
export type SyncProgress = Partial<
  Pick<
    ClusterSyncStateRecord,
    | 'status'
    | 'appliedVersion'
    | 'failedVersion'
    | 'attempts'
    | 'nextRetryAt'
    | 'lastError'
    | 'lastErrorAt'
    | 'lastAppliedAt'
    | 'conflicts'
    | 'drift'
    | 'driftDetectedAt'
  >
>;

export interface SyncSettings {
  driftMode?: DriftModeKind;
  forceConflicts?: boolean;
}

/** A worker's claim on one cluster. `token` grows with every claim, so an older holder's writes are told apart. */
export interface SyncLease {
  clusterId: string;
  holder: string;
  token: bigint;
}

/** A cluster a worker holds, with what it needs to decide whether there is work. */
export interface HeldCluster {
  lease: SyncLease;
  clusterName: string;
  desiredVersion: number | null;
  appliedVersion: number | null;
  failedVersion: number | null;
  nextRetryAt: Date | null;
  driftMode: DriftModeKind;
  /** Changes when the connection is replaced: the worker reconnects. */
  connectionUpdatedAt: Date;
}

/** The lease is no longer this worker's (expired and claimed by another, or released). */
export class LeaseLostError extends Error {
  constructor(readonly lease: SyncLease) {
    super(`lease on cluster ${lease.clusterId} (token ${lease.token}) is no longer held by ${lease.holder}`);
  }
}
