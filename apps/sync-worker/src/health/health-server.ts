import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { Metrics, metricsScrapeAllowed } from '@palisade/observability';
import { OperationalStatusRepository } from '@palisade/persistence';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import type { WorkerEnv } from '../config/env';
import { WORKER_ENV } from '../config/worker-env.token';
import { SyncSupervisor } from '../sync/sync-supervisor';

const ROUTES = ['/healthz', '/readyz', '/metrics'];

function problem(res: ServerResponse, status: number, code: string, detail: string, headers: Record<string, string> = {}): void {
  const title = code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');
  res
    .writeHead(status, { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers })
    .end(JSON.stringify({ type: `urn:palisade:problem:${code.toLowerCase().replace(/_/g, '-')}`, title, status, code, detail }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

/**
 * The worker has no HTTP API; this small server answers orchestrators and Prometheus: /healthz
 * (the process is alive), /readyz (the database answers and leases keep being renewed), /metrics.
 */
@Injectable()
export class HealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;
  private readonly logger = new Logger('Health');

  constructor(
    private readonly status: OperationalStatusRepository,
    private readonly supervisor: SyncSupervisor,
    private readonly metrics: Metrics,
    @Inject(WORKER_ENV) private readonly env: WorkerEnv,
  ) {}

  /** The port actually bound (differs from the configured one when that is 0). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.env.WORKER_HEALTH_PORT, this.env.HOST, resolve);
    });
    this.logger.log(`health, readiness and metrics on http://${this.env.HOST}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!ROUTES.includes(path)) return problem(res, 404, 'ROUTE_NOT_FOUND', `no route ${path}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`, { Allow: 'GET, HEAD' });
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/metrics') {
      if (!metricsScrapeAllowed(this.env.METRICS_TOKEN, req.headers.authorization)) {
        return problem(res, 401, 'UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>', { 'WWW-Authenticate': 'Bearer realm="palisade"' });
      }
      const { contentType, body } = await this.metrics.exposition();
      res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body);
      return;
    }
    try {
      await this.status.ping();
    } catch {
      return problem(res, 503, 'SERVICE_UNAVAILABLE', 'database unreachable');
    }
    if (!this.supervisor.leasesRenewing) return problem(res, 503, 'SERVICE_UNAVAILABLE', 'leases are not being renewed (no successful poll within the lease TTL)');
    return json(res, 200, { status: 'ok', database: 'ok', leases: 'renewing', heldClusters: this.supervisor.heldLeases.length });
  }
}
