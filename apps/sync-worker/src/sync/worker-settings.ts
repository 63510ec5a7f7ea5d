import type { SyncTuning } from '@palisade/policy-sync';

import type { WorkerEnv } from '../config/env';

export const WORKER_SETTINGS = Symbol('WORKER_SETTINGS');

/** The worker's configuration in the shape its parts use. */
export interface WorkerSettings {
  workerId: string;
  pollMs: number;
  leaseTtlMs: number;
  maxClusters: number;
  concurrency: number;
  tuning: Omit<SyncTuning, 'signal'>;
  kubeRequestTimeoutMs: number;
  resyncMs: number;
  driftDebounceMs: number;
  inventorySnapshotMs: number;
  inventoryRetain: number;
  userAgent: string;
}

export function toWorkerSettings(env: WorkerEnv): WorkerSettings {
  return {
    workerId: env.WORKER_ID,
    pollMs: env.SYNC_POLL_MS,
    leaseTtlMs: env.SYNC_LEASE_TTL_MS,
    maxClusters: env.SYNC_MAX_CLUSTERS,
    concurrency: env.SYNC_CONCURRENCY,
    tuning: {
      parallelism: env.SYNC_APPLY_PARALLELISM,
      retry: { baseMs: env.SYNC_RETRY_BASE_MS, maxMs: env.SYNC_RETRY_MAX_MS },
      // A write needs a fifth of the lease left: renewals come every third, so only a stalled worker lacks it.
      leaseMarginMs: Math.floor(env.SYNC_LEASE_TTL_MS / 5),
    },
    kubeRequestTimeoutMs: env.KUBE_REQUEST_TIMEOUT_MS,
    resyncMs: env.SYNC_RESYNC_SECONDS * 1000,
    driftDebounceMs: env.SYNC_DRIFT_DEBOUNCE_MS,
    inventorySnapshotMs: env.INVENTORY_SNAPSHOT_MS,
    inventoryRetain: env.INVENTORY_RETAIN,
    userAgent: `palisade-sync-worker/${env.WORKER_ID}`,
  };
}
