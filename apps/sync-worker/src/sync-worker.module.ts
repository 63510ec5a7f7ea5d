import { createLogger, ObservabilityModule } from '@palisade/observability';
import { PersistenceModule, PrismaService } from '@palisade/persistence';
import { PolicySyncModule } from '@palisade/policy-sync';
import { parseSecretKey } from '@palisade/shared-types';
import { WebhooksModule } from '@palisade/webhooks';
import { type DynamicModule, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';

import type { WorkerEnv } from './config/env';
import { WORKER_ENV } from './config/worker-env.token';
import { HealthServer } from './health/health-server';
import { WorkerMetricsCollector } from './health/worker-metrics.collector';
import { SyncSupervisor } from './sync/sync-supervisor';
import { toWorkerSettings, WORKER_SETTINGS } from './sync/worker-settings';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';

@Module({})
export class SyncWorkerModule implements OnApplicationBootstrap {
  constructor(private readonly prisma: PrismaService) {}

  /** `logger` is the one main.ts also gives Nest; without one, a logger is made from LOG_LEVEL and LOG_FORMAT. */
  static register(env: WorkerEnv, logger?: PinoLogger): DynamicModule {
    const settings = toWorkerSettings(env);
    return {
      module: SyncWorkerModule,
      imports: [
        ObservabilityModule.forRoot(logger ?? createLogger({ service: 'sync-worker', level: env.LOG_LEVEL, format: env.LOG_FORMAT })),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }),
        PolicySyncModule.register({
          // Validated by WorkerEnv (IsSecretKey), so never null here.
          secretKey: parseSecretKey(env.PALISADE_SECRET_KEY) as Buffer,
          kubeRequestTimeoutMs: env.KUBE_REQUEST_TIMEOUT_MS,
          userAgent: settings.userAgent,
        }),
        WebhooksModule.register({
          secretKey: parseSecretKey(env.PALISADE_SECRET_KEY) as Buffer,
          allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true',
          dispatch: {
            timeoutMs: env.WEBHOOK_TIMEOUT_MS,
            retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
            retryMaxMs: env.WEBHOOK_RETRY_MAX_MS,
            retryWindowMs: env.WEBHOOK_RETRY_WINDOW_MS,
            batchSize: env.WEBHOOK_BATCH_SIZE,
            userAgent: `palisade-webhooks/${env.WORKER_ID}`,
            publicUrl: env.PALISADE_PUBLIC_URL ?? null,
          },
        }),
      ],
      providers: [{ provide: WORKER_ENV, useValue: env }, { provide: WORKER_SETTINGS, useValue: settings }, HealthServer, SyncSupervisor, WebhookDispatcher, WorkerMetricsCollector],
    };
  }

  /** Fails the boot when the database does not answer, rather than running half-connected. */
  async onApplicationBootstrap(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
    Logger.log('connected to the database', 'SyncWorker');
  }
}
