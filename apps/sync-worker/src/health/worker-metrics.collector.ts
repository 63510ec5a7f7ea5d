import { Metrics, registerDatabasePoolMetrics } from '@palisade/observability';
import { OperationalStatusRepository, PrismaService } from '@palisade/persistence';
import { Injectable, type OnModuleInit } from '@nestjs/common';

import { SyncSupervisor } from '../sync/sync-supervisor';

const SYNC_STATUSES = ['IN_SYNC', 'PENDING', 'SYNCING', 'DRIFTED', 'FAILED', 'UNREACHABLE'] as const;

/**
 * The worker's metrics read at scrape time, for the clusters this worker holds a lease on (so that
 * replicas never report the same cluster twice): lease ownership, sync status, drifted objects.
 */
@Injectable()
export class WorkerMetricsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly supervisor: SyncSupervisor,
    private readonly status: OperationalStatusRepository,
    private readonly prisma: PrismaService,
  ) {}

  onModuleInit(): void {
    const supervisor = this.supervisor;
    const status = this.status;
    const heldGauges = () => status.clusterSyncGauges(supervisor.heldLeases.map((lease) => lease.clusterId)).catch(() => []);
    // Each gauge is rebuilt at every scrape, so clusters no longer held disappear.
    this.metrics.gauge({
      name: 'palisade_sync_lease_owned',
      help: 'Clusters whose sync lease this worker holds (1 per cluster)',
      labelNames: ['cluster'],
      collect() {
        this.reset();
        for (const lease of supervisor.heldLeases) this.set({ cluster: lease.clusterName }, 1);
      },
    });
    this.metrics.gauge({
      name: 'palisade_cluster_sync_status',
      help: 'Sync status of each cluster this worker holds: 1 for its current status, 0 for the others',
      labelNames: ['cluster', 'status'],
      async collect() {
        const gauges = await heldGauges();
        this.reset();
        for (const gauge of gauges) for (const name of SYNC_STATUSES) this.set({ cluster: gauge.clusterName, status: name }, gauge.status === name ? 1 : 0);
      },
    });
    this.metrics.gauge({
      name: 'palisade_cluster_drift_objects',
      help: 'NetworkPolicies found drifted (modified, deleted, unmanaged, unexpected) on each cluster this worker holds',
      labelNames: ['cluster'],
      async collect() {
        const gauges = await heldGauges();
        this.reset();
        for (const gauge of gauges) this.set({ cluster: gauge.clusterName }, gauge.driftCount);
      },
    });
    registerDatabasePoolMetrics(this.metrics, () => this.prisma.poolUsage);
  }
}
