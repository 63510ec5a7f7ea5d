import type {
  ClusterCapabilities,
  ClusterConnectionRecord,
  ClusterRecord,
  ClusterSyncStateRecord,
  DriftItem,
  SyncConflict,
  SyncStatusKind,
} from '@palisade/persistence';

export type DriftModeName = 'report' | 'heal';

/** A cluster's sync state as the API shows it. */
export interface SyncStatusView {
  cluster: string;
  status: SyncStatusKind;
  desiredVersion: number | null;
  appliedVersion: number | null;
  /** Consecutive failed attempts at the current version. */
  attempts: number;
  nextRetryAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastAppliedAt: Date | null;
  conflicts: SyncConflict[];
  drift: DriftItem[];
  driftDetectedAt: Date | null;
  mode: DriftModeName;
  forceConflicts: boolean;
  connected: boolean;
  serverVersion: string | null;
  capabilities: ClusterCapabilities | null;
  /** Worker holding the cluster's lease, while the lease is live. */
  worker: string | null;
  updatedAt: Date | null;
}

/**
 * The status to show. The stored one is what the worker last wrote; a version that arrived since
 * reads as PENDING until a worker picks it up (SYNCING, or UNREACHABLE while it retries), and a
 * refusal only holds for the version refused.
 */
export function effectiveStatus(desired: number | null, state: ClusterSyncStateRecord | null): SyncStatusKind {
  const applied = state?.appliedVersion ?? null;
  if (!state) return desired === null ? 'IN_SYNC' : 'PENDING';
  if (desired === null) return state.status === 'DRIFTED' || state.status === 'UNREACHABLE' ? state.status : 'IN_SYNC';
  if (state.status === 'FAILED') return state.failedVersion === desired ? 'FAILED' : 'PENDING';
  if (desired !== applied && state.status !== 'SYNCING' && state.status !== 'UNREACHABLE') return 'PENDING';
  return state.status;
}

export function toSyncStatusView(
  cluster: ClusterRecord,
  state: ClusterSyncStateRecord | null,
  connection: ClusterConnectionRecord | null,
  now: Date = new Date(),
): SyncStatusView {
  const leaseLive = state?.leaseHolder && state.leaseExpiresAt && state.leaseExpiresAt.getTime() > now.getTime();
  return {
    cluster: cluster.name,
    status: effectiveStatus(cluster.desiredVersion, state),
    desiredVersion: cluster.desiredVersion,
    appliedVersion: state?.appliedVersion ?? null,
    attempts: state?.attempts ?? 0,
    nextRetryAt: state?.nextRetryAt ?? null,
    lastError: state?.lastError ?? null,
    lastErrorAt: state?.lastErrorAt ?? null,
    lastAppliedAt: state?.lastAppliedAt ?? null,
    conflicts: state?.conflicts ?? [],
    drift: state?.drift ?? [],
    driftDetectedAt: state?.driftDetectedAt ?? null,
    mode: state?.driftMode === 'HEAL' ? 'heal' : 'report',
    forceConflicts: state?.forceConflicts ?? false,
    connected: connection !== null,
    serverVersion: connection?.serverVersion ?? null,
    capabilities: connection?.capabilities ?? null,
    worker: leaseLive ? (state?.leaseHolder ?? null) : null,
    updatedAt: state?.updatedAt ?? null,
  };
}
