import { Metrics, registerDatabasePoolMetrics } from '@palisade/observability';
import { ConnectivityTrackingRepository, OperationalStatusRepository, PrismaService } from '@palisade/persistence';
import { Injectable, type OnModuleInit } from '@nestjs/common';

/** The API's metrics read at scrape time: proposals per status and clusters whose history catch-up fails (from the database), pool usage. */
@Injectable()
export class ApiMetricsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly status: OperationalStatusRepository,
    private readonly prisma: PrismaService,
    private readonly tracking: ConnectivityTrackingRepository,
  ) {}

  onModuleInit(): void {
    const status = this.status;
    const tracking = this.tracking;
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
    this.metrics.gauge({
      name: 'palisade_connection_history_failing_clusters',
      help: 'Clusters whose connection history lags and whose last background catch-up failed; they are retried after a growing delay',
      async collect() {
        const count = await tracking.countFailing().catch(() => null);
        if (count !== null) this.set(count);
      },
    });
    registerDatabasePoolMetrics(this.metrics, () => this.prisma.poolUsage);
  }
}
