import { hostname } from 'node:os';

import { IsSecretKey, loadEnv } from '@palisade/shared-types';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

const int = (name: string, min: number, max: number): string => `${name} must be an integer between ${min} and ${max}`;

/** The sync worker's environment, validated before anything else starts. */
export class WorkerEnv {
  @IsString({ message: 'DATABASE_URL is required (postgresql://user:password@host:5432/database)' })
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string = undefined as unknown as string;

  /** Port of the worker's own /healthz endpoint. */
  @Type(() => Number)
  @IsInt({ message: 'WORKER_HEALTH_PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'WORKER_HEALTH_PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'WORKER_HEALTH_PORT must be an integer between 0 and 65535' })
  WORKER_HEALTH_PORT = 3001;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be one of error, warn, log, debug, verbose' })
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @Type(() => Number)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Max(200, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  DATABASE_POOL_SIZE = 10; // up to SYNC_CONCURRENCY applies at once, plus drift and inventory writes

  /** Key of the cluster credentials (AES-256-GCM), the same as the API's. */
  @IsSecretKey()
  PALISADE_SECRET_KEY: string = undefined as unknown as string;

  /** Names this worker in leases and audit events (`sync-worker/<id>`); must be unique among running workers. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'WORKER_ID must be 1-63 letters, digits, ".", "_" or "-"' })
  WORKER_ID = `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;

  /** How often the worker looks for clusters to claim and for new desired versions. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_POLL_MS', 50, 60000) })
  @Min(50, { message: int('SYNC_POLL_MS', 50, 60000) })
  @Max(60000, { message: int('SYNC_POLL_MS', 50, 60000) })
  SYNC_POLL_MS = 1000;

  /** A lease not renewed for this long lapses and another worker takes the cluster over. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_LEASE_TTL_MS', 1000, 600000) })
  @Min(1000, { message: int('SYNC_LEASE_TTL_MS', 1000, 600000) })
  @Max(600000, { message: int('SYNC_LEASE_TTL_MS', 1000, 600000) })
  SYNC_LEASE_TTL_MS = 15000;

  /** Clusters one worker serves at most. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_MAX_CLUSTERS', 1, 10000) })
  @Min(1, { message: int('SYNC_MAX_CLUSTERS', 1, 10000) })
  @Max(10000, { message: int('SYNC_MAX_CLUSTERS', 1, 10000) })
  SYNC_MAX_CLUSTERS = 200;

  /** Clusters applied to at once (the pool); a slow cluster holds one slot, not the others. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_CONCURRENCY', 1, 256) })
  @Min(1, { message: int('SYNC_CONCURRENCY', 1, 256) })
  @Max(256, { message: int('SYNC_CONCURRENCY', 1, 256) })
  SYNC_CONCURRENCY = 8;

  /** Requests in flight to one cluster while applying. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_APPLY_PARALLELISM', 1, 64) })
  @Min(1, { message: int('SYNC_APPLY_PARALLELISM', 1, 64) })
  @Max(64, { message: int('SYNC_APPLY_PARALLELISM', 1, 64) })
  SYNC_APPLY_PARALLELISM = 8;

  /** Deadline of one request to a Kubernetes API server. */
  @Type(() => Number)
  @IsInt({ message: int('KUBE_REQUEST_TIMEOUT_MS', 100, 300000) })
  @Min(100, { message: int('KUBE_REQUEST_TIMEOUT_MS', 100, 300000) })
  @Max(300000, { message: int('KUBE_REQUEST_TIMEOUT_MS', 100, 300000) })
  KUBE_REQUEST_TIMEOUT_MS = 10000;

  /** First retry delay after a transient failure; doubles per attempt (with jitter) up to SYNC_RETRY_MAX_MS. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_RETRY_BASE_MS', 10, 600000) })
  @Min(10, { message: int('SYNC_RETRY_BASE_MS', 10, 600000) })
  @Max(600000, { message: int('SYNC_RETRY_BASE_MS', 10, 600000) })
  SYNC_RETRY_BASE_MS = 1000;

  @Type(() => Number)
  @IsInt({ message: int('SYNC_RETRY_MAX_MS', 10, 3600000) })
  @Min(10, { message: int('SYNC_RETRY_MAX_MS', 10, 3600000) })
  @Max(3600000, { message: int('SYNC_RETRY_MAX_MS', 10, 3600000) })
  SYNC_RETRY_MAX_MS = 300000;

  /** Full compare of live NetworkPolicies, the safety net under the watches. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_RESYNC_SECONDS', 1, 86400) })
  @Min(1, { message: int('SYNC_RESYNC_SECONDS', 1, 86400) })
  @Max(86400, { message: int('SYNC_RESYNC_SECONDS', 1, 86400) })
  SYNC_RESYNC_SECONDS = 300;

  /** Events within this window are compared once. */
  @Type(() => Number)
  @IsInt({ message: int('SYNC_DRIFT_DEBOUNCE_MS', 0, 60000) })
  @Min(0, { message: int('SYNC_DRIFT_DEBOUNCE_MS', 0, 60000) })
  @Max(60000, { message: int('SYNC_DRIFT_DEBOUNCE_MS', 0, 60000) })
  SYNC_DRIFT_DEBOUNCE_MS = 250;

  /** Shortest time between two inventory snapshots of a cluster (a snapshot is only written when something changed). */
  @Type(() => Number)
  @IsInt({ message: int('INVENTORY_SNAPSHOT_MS', 50, 3600000) })
  @Min(50, { message: int('INVENTORY_SNAPSHOT_MS', 50, 3600000) })
  @Max(3600000, { message: int('INVENTORY_SNAPSHOT_MS', 50, 3600000) })
  INVENTORY_SNAPSHOT_MS = 30000; // a busy 10k-pod cluster changes all the time; each snapshot is a few MB

  /** Snapshots kept per cluster. */
  @Type(() => Number)
  @IsInt({ message: int('INVENTORY_RETAIN', 1, 100000) })
  @Min(1, { message: int('INVENTORY_RETAIN', 1, 100000) })
  @Max(100000, { message: int('INVENTORY_RETAIN', 1, 100000) })
  INVENTORY_RETAIN = 100;
}

export function loadWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  return loadEnv(WorkerEnv, env);
}
