import { Injectable } from '@nestjs/common';

import { readMigrations } from './migrations/migration-runner';
import { PrismaService } from './prisma.service';
import type { SyncStatusKind } from './cluster-sync-state.record';

export interface ClusterSyncGauge {
  clusterId: string;
  clusterName: string;
  status: SyncStatusKind;
  driftCount: number;
}

/** What readiness probes and metrics read: is the database there, is its schema current, how many of what. */
@Injectable()
export class OperationalStatusRepository {
  private expectedMigrations?: string[];

  constructor(private readonly prisma: PrismaService) {}

  /** Throws when the database does not answer. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  /** Migrations shipped with this build that the database has not recorded as applied. */
  async pendingMigrations(): Promise<string[]> {
    this.expectedMigrations ??= readMigrations().map((migration) => migration.name);
    const rows = await this.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const applied = new Set(rows.map((row) => row.migration_name));
    return this.expectedMigrations.filter((name) => !applied.has(name));
  }

  /** Proposals per status, every status present (0 when none). */
  async proposalsByStatus(): Promise<Record<string, number>> {
    const rows = await this.prisma.$queryRaw<{ status: string; count: bigint }[]>`
      SELECT s.status::text AS status, count(p.id) AS count
      FROM unnest(enum_range(NULL::"ProposalStatus")) AS s(status)
      LEFT JOIN proposals p ON p.status = s.status
      GROUP BY s.status`;
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** Sync status and number of drifted objects of the given clusters. */
  async clusterSyncGauges(clusterIds: readonly string[]): Promise<ClusterSyncGauge[]> {
    if (clusterIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ cluster_id: string; name: string; status: SyncStatusKind; drift_count: number }[]>`
      SELECT s.cluster_id, c.name, s.status::text AS status, jsonb_array_length(s.drift)::int AS drift_count
      FROM cluster_sync_states s JOIN clusters c ON c.id = s.cluster_id
      WHERE s.cluster_id = ANY(${clusterIds as string[]}::uuid[])`;
    return rows.map((row) => ({ clusterId: row.cluster_id, clusterName: row.name, status: row.status, driftCount: row.drift_count }));
  }
}
