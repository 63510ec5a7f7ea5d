import { Metrics, registerDatabasePoolMetrics } from '@palisade/observability';
import { OperationalStatusRepository, PrismaService } from '@palisade/persistence';
import { Injectable, type OnModuleInit } from '@nestjs/common';

/** The API's metrics read at scrape time: proposals per status (from the database) and pool usage. */
@Injectable()
export class ApiMetricsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly status: OperationalStatusRepository,
    private readonly prisma: PrismaService,
  ) {}

  onModuleInit(): void {
    const status = this.status;
    this.metrics.gauge({
      name: 'palisade_proposals',
      help: 'Proposals by status, across all clusters',
      labelNames: ['status'],
      async collect() {
        // A scrape during a database outage reports the other metrics rather than failing whole.
        const counts = await status.proposalsByStatus().catch(() => ({}) as Record<string, number>);
        for (const [name, count] of Object.entries(counts)) this.set({ status: name }, count);
      },
    });
    registerDatabasePoolMetrics(this.metrics, () => this.prisma.poolUsage);
  }
}
