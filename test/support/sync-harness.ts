import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';

import { loadWorkerEnv } from '../../apps/sync-worker/src/config/env';
import { SyncSupervisor } from '../../apps/sync-worker/src/sync/sync-supervisor';
import { SyncWorkerModule } from '../../apps/sync-worker/src/sync-worker.module';
import { PinoLoggerService } from '../../libs/observability/src';
import { TEST_SECRET_KEY } from './test-app';

export { networkPolicy, waitFor } from './polling';

/** Intervals short enough for tests: leases lapse in 3 s, retries start at 200 ms. */
export const TEST_WORKER_ENV: Record<string, string> = {
  LOG_LEVEL: 'error',
  WORKER_HEALTH_PORT: '0',
  DATABASE_POOL_SIZE: '4',
  PALISADE_SECRET_KEY: TEST_SECRET_KEY,
  SYNC_POLL_MS: '150',
  SYNC_LEASE_TTL_MS: '3000',
  KUBE_REQUEST_TIMEOUT_MS: '2000',
  SYNC_RETRY_BASE_MS: '200',
  SYNC_RETRY_MAX_MS: '1500',
  SYNC_RESYNC_SECONDS: '30',
  SYNC_DRIFT_DEBOUNCE_MS: '100',
  INVENTORY_SNAPSHOT_MS: '200',
};

export interface TestWorker {
  id: string;
  app: INestApplicationContext;
  /** Clusters it serves now. */
  held(): string[];
  /** Graceful stop: agents stopped, leases released. */
  close(): Promise<void>;
}

/** A sync worker in this process: the production SyncWorkerModule with test intervals. */
export async function startTestWorker(databaseUrl: string, id: string, env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestWorker> {
  const workerEnv = loadWorkerEnv({ ...TEST_WORKER_ENV, DATABASE_URL: databaseUrl, WORKER_ID: id, ...env });
  const app = await NestFactory.createApplicationContext(SyncWorkerModule.register(workerEnv, options.logger), {
    logger: options.logger ? new PinoLoggerService(options.logger) : env['LOG_LEVEL'] === 'debug' ? ['log', 'warn', 'error'] : ['error'],
  });
  await app.init();
  const supervisor = app.get(SyncSupervisor);
  return { id, app, held: () => supervisor.heldClusters, close: () => app.close() };
}

export const SEED_POLICIES_YAML = readFileSync(join(__dirname, '..', 'fixtures', 'seed', 'article-policies.yaml'), 'utf8');


