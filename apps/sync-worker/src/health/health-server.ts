import { createServer, type Server } from 'node:http';

import { PrismaService } from '@palisade/persistence';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import type { WorkerEnv } from '../config/env';
import { WORKER_ENV } from '../config/worker-env.token';

/** The worker has no HTTP API; this tiny server answers /healthz for orchestrators. */
@Injectable()
export class HealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;
  private readonly logger = new Logger('Health');

  constructor(
    private readonly prisma: PrismaService,
    @Inject(WORKER_ENV) private readonly env: WorkerEnv,
  ) {}

  /** The port actually bound (differs from the configured one when that is 0). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/healthz') {
        res.writeHead(404, { 'Content-Type': 'application/problem+json' }).end(
          JSON.stringify({ type: 'urn:palisade:problem:route-not-found', title: 'Route not found', status: 404, code: 'ROUTE_NOT_FOUND' }),
        );
        return;
      }
      this.prisma.$queryRaw`SELECT 1`.then(
        () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok', database: 'ok' })),
        () => res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'error', database: 'unreachable' })),
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(this.env.WORKER_HEALTH_PORT, '0.0.0.0', resolve));
    this.logger.log(`healthz on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
