import type { SyncLease } from '@palisade/persistence';
import type { Actor } from '@palisade/shared-types';

import type { BackoffPolicy } from './backoff.util';

/** A cluster a worker holds, and how that worker works. */
export interface SyncTarget {
  lease: SyncLease;
  clusterName: string;
}

export interface SyncTuning {
  /** Requests in flight to one cluster during an apply. */
  parallelism: number;
  retry: BackoffPolicy;
  /** A write needs at least this much lease left (see ClusterSyncStateRepository.assertHeld). */
  leaseMarginMs: number;
  /** Aborted when the worker stops: no new write starts, and nothing is recorded. */
  signal?: AbortSignal;
}

/** The worker is stopping; the apply was abandoned between writes and the next holder redoes it. */
export class SyncAbortedError extends Error {
  constructor() {
    super('sync abandoned: the worker is stopping');
  }
}

/** The audit actor of a worker: `sync-worker/<workerId>`. */
export function workerActor(lease: SyncLease): Actor {
  return { id: null, name: `sync-worker/${lease.holder}`, kind: 'system' };
}
