import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';

import { PrismaClient } from '../generated/prisma/client';

export const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');

export interface PersistenceOptions {
  databaseUrl: string;
  /** Connection pool size of this process. */
  poolSize?: number;
}

/** Connections of this process's pool, as /metrics reports them. */
export interface DatabasePoolUsage {
  max: number;
  total: number;
  idle: number;
  waiting: number;
}

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(@Inject(PERSISTENCE_OPTIONS) options: PersistenceOptions) {
    // Our own pool handed to the adapter, so its usage can be read.
    const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
  }

  get poolUsage(): DatabasePoolUsage {
    return { max: this.pool.options.max ?? 10, total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  /**
   * Closes the connections at the last step of shutdown: after background loops have stopped
   * (their last pass and the final audit checkpoint still write) and the HTTP server has closed.
   * A query after `$disconnect()` would quietly open a connection of its own that outlives the pool.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

/** The client handed to repository methods that run inside a caller's transaction. */
export type TransactionClient = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];
