import { PersistenceModule, PrismaService } from '@palisade/persistence';
import { type DynamicModule, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';

import type { WorkerEnv } from './config/env';
import { WORKER_ENV } from './config/worker-env.token';
import { HealthServer } from './health/health-server';

@Module({})
export class SyncWorkerModule implements OnApplicationBootstrap {
  constructor(private readonly prisma: PrismaService) {}

  static register(env: WorkerEnv): DynamicModule {
    return {
      module: SyncWorkerModule,
      imports: [PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE })],
      providers: [{ provide: WORKER_ENV, useValue: env }, HealthServer],
    };
  }

  /** Fails the boot when the database does not answer, rather than running half-connected. */
  async onApplicationBootstrap(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
    Logger.log('connected to the database', 'SyncWorker');
  }
}
