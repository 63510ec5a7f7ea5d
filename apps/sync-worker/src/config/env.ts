import { hostname } from 'node:os';

import { IntegerEnv, loadEnv, ServiceEnv } from '@palisade/shared-types';
import { IsOptional, Matches } from 'class-validator';

/** The sync worker's environment, validated before anything else starts. */
export class WorkerEnv extends ServiceEnv {
  /** Port of the worker's own /healthz, /readyz and /metrics endpoints. */
  @IntegerEnv('WORKER_HEALTH_PORT', 0, 65535)
  WORKER_HEALTH_PORT = 3001;

  /** Names this worker in leases and audit events (`sync-worker/<id>`); must be unique among running workers. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'WORKER_ID must be 1-63 letters, digits, ".", "_" or "-"' })
  WORKER_ID = `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;

  /** How often the worker looks for clusters to claim and for new desired versions. */
  @IntegerEnv('SYNC_POLL_MS', 50, 60000)
  SYNC_POLL_MS = 1000;

  /** A lease not renewed for this long lapses and another worker takes the cluster over. */
  @IntegerEnv('SYNC_LEASE_TTL_MS', 1000, 600000)
  SYNC_LEASE_TTL_MS = 15000;

  /** Clusters one worker serves at most. */
  @IntegerEnv('SYNC_MAX_CLUSTERS', 1, 10000)
  SYNC_MAX_CLUSTERS = 200;

  /** Clusters applied to at once (the pool); a slow cluster holds one slot, not the others. */
  @IntegerEnv('SYNC_CONCURRENCY', 1, 256)
  SYNC_CONCURRENCY = 8;

  /** Requests in flight to one cluster while applying. */
  @IntegerEnv('SYNC_APPLY_PARALLELISM', 1, 64)
  SYNC_APPLY_PARALLELISM = 8;

  /** First retry delay after a transient failure; doubles per attempt (with jitter) up to SYNC_RETRY_MAX_MS. */
  @IntegerEnv('SYNC_RETRY_BASE_MS', 10, 600000)
  SYNC_RETRY_BASE_MS = 1000;

  @IntegerEnv('SYNC_RETRY_MAX_MS', 10, 3600000)
  SYNC_RETRY_MAX_MS = 300000;

  /** Full compare of live NetworkPolicies, the safety net under the watches. */
  @IntegerEnv('SYNC_RESYNC_SECONDS', 1, 86400)
  SYNC_RESYNC_SECONDS = 300;

  /** Events within this window are compared once. */
  @IntegerEnv('SYNC_DRIFT_DEBOUNCE_MS', 0, 60000)
  SYNC_DRIFT_DEBOUNCE_MS = 250;

  /** Shortest time between two inventory snapshots of a cluster (a snapshot is only written when something changed). */
  @IntegerEnv('INVENTORY_SNAPSHOT_MS', 50, 3600000)
  INVENTORY_SNAPSHOT_MS = 30000; // a busy 10k-pod cluster changes all the time; each snapshot is a few MB

  /** How often the webhook dispatcher looks for due deliveries. */
  @IntegerEnv('WEBHOOK_POLL_MS', 50, 60000)
  WEBHOOK_POLL_MS = 1000;

  /** Deadline of one webhook request; a slower receiver counts as a failed attempt. */
  @IntegerEnv('WEBHOOK_TIMEOUT_MS', 100, 60000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** First webhook retry delay; doubles per attempt (with jitter) up to WEBHOOK_RETRY_MAX_MS. */
  @IntegerEnv('WEBHOOK_RETRY_BASE_MS', 10, 3600000)
  WEBHOOK_RETRY_BASE_MS = 10000;

  @IntegerEnv('WEBHOOK_RETRY_MAX_MS', 10, 86400000)
  WEBHOOK_RETRY_MAX_MS = 3600000;

  /** A delivery still failing this long after its first attempt is given up (FAILED). */
  @IntegerEnv('WEBHOOK_RETRY_WINDOW_MS', 1000, 604800000)
  WEBHOOK_RETRY_WINDOW_MS = 86400000; // 24 hours

  /** Deliveries sent at once per poll (different webhooks or proposals; one proposal's go out in order). */
  @IntegerEnv('WEBHOOK_BATCH_SIZE', 1, 1000)
  WEBHOOK_BATCH_SIZE = 20;

  /** The API's external base URL, for links in Slack messages; unset: messages name the proposal id. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'PALISADE_PUBLIC_URL must be an http(s) URL' })
  PALISADE_PUBLIC_URL?: string = undefined;
}

export function loadWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  return loadEnv(WorkerEnv, env);
}
