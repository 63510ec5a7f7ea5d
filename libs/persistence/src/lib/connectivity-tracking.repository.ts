import { Injectable } from '@nestjs/common';

import { Prisma } from '../generated/prisma/client';
import { PrismaService, type TransactionClient } from './prisma.service';

/** Which head version and inventory snapshot a cluster's connection history reflects. */
export interface ConnectivityTrackingRecord {
  clusterId: string;
  version: number | null;
  snapshotId: string | null;
  snapshotContentHash: string | null;
}

/** Clusters (`c`) with their tracking row (`t`, if any) and newest snapshot (`newest`, if any). */
const CLUSTERS_WITH_TRACKING = Prisma.sql`
  FROM clusters c
  LEFT JOIN connectivity_tracking t ON t.cluster_id = c.id
  LEFT JOIN LATERAL (
    SELECT s.content_hash FROM inventory_snapshots s WHERE s.cluster_id = c.id ORDER BY s.taken_at DESC, s.created_at DESC LIMIT 1
  ) newest ON true`;

/** Whether the cluster's history lags its head version or newest snapshot (over CLUSTERS_WITH_TRACKING). */
const LAGS = Prisma.sql`(c.head_version > 0
  AND (t.cluster_id IS NULL OR t.version IS DISTINCT FROM c.head_version OR t.snapshot_content_hash IS DISTINCT FROM newest.content_hash))`;

/**
 * Whether the history lags and the last background catch-up failed (over CLUSTERS_WITH_TRACKING):
 * a failure left from before the history caught up another way holds nothing back.
 */
const FAILING = Prisma.sql`(${LAGS} AND t.failures > 0)`;

/** How current a cluster's connection history is. */
export interface ConnectionHistoryStatusRecord {
  clusterName: string;
  headVersion: number;
  /** The head version the history reflects (null before its first catch-up). */
  trackedVersion: number | null;
  /** Behind the head version or the newest snapshot's contents (a cluster without versions never lags). */
  lagging: boolean;
  /** While failing (see FAILING): the failed catch-ups in a row, the last one's error, the retry time; else 0 and null. */
  failures: number;
  lastError: string | null;
  retryAfter: Date | null;
}

/** The first lagging clusters of a scope by name, and how many lag in the scope in all. */
export interface LaggingStatusesRecord {
  statuses: ConnectionHistoryStatusRecord[];
  total: number;
}

/** A row of STATUS_COLUMNS. */
interface StatusRow {
  name: string;
  head_version: number;
  version: number | null;
  lagging: boolean;
  failures: number;
  last_error: string | null;
  retry_after: Date | null;
}

/** A cluster's status (over CLUSTERS_WITH_TRACKING): the failure fields only while it is FAILING. */
const STATUS_COLUMNS = Prisma.sql`c.name, c.head_version, t.version, ${LAGS} AS lagging,
  CASE WHEN ${FAILING} THEN t.failures ELSE 0 END AS failures,
  CASE WHEN ${FAILING} THEN t.last_error END AS last_error,
  CASE WHEN ${FAILING} THEN t.retry_after END AS retry_after`;

/** The given clusters (null: every cluster), over CLUSTERS_WITH_TRACKING. */
const inScope = (clusterIds: readonly string[] | null) =>
  clusterIds === null ? Prisma.sql`true` : Prisma.sql`c.id = ANY(${clusterIds as string[]}::uuid[])`;

const toStatusRecord = (r: StatusRow): ConnectionHistoryStatusRecord => ({
  clusterName: r.name,
  headVersion: r.head_version,
  trackedVersion: r.version,
  lagging: r.lagging,
  failures: r.failures,
  lastError: r.last_error,
  retryAfter: r.retry_after,
});

/** A cluster's failed catch-ups in a row, and when the background pass tries it again. */
export interface FailedCatchUp {
  failures: number;
  retryAfter: Date;
}

@Injectable()
export class ConnectivityTrackingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Locks (creating if needed) the cluster's tracking row until the transaction ends. */
  async lock(clusterId: string, tx: TransactionClient): Promise<ConnectivityTrackingRecord> {
    await tx.$executeRaw`INSERT INTO connectivity_tracking (cluster_id, updated_at) VALUES (${clusterId}::uuid, now()) ON CONFLICT (cluster_id) DO NOTHING`;
    const rows = await tx.$queryRaw<{ version: number | null; snapshot_id: string | null; snapshot_content_hash: string | null }[]>`
      SELECT version, snapshot_id::text AS snapshot_id, snapshot_content_hash FROM connectivity_tracking WHERE cluster_id = ${clusterId}::uuid FOR UPDATE`;
    const row = rows[0];
    return { clusterId, version: row?.version ?? null, snapshotId: row?.snapshot_id ?? null, snapshotContentHash: row?.snapshot_content_hash ?? null };
  }

  async find(clusterId: string): Promise<ConnectivityTrackingRecord | null> {
    const row = await this.prisma.connectivityTracking.findUnique({ where: { clusterId } });
    return row ? { clusterId, version: row.version, snapshotId: row.snapshotId, snapshotContentHash: row.snapshotContentHash } : null;
  }

  /** Stores what the history reflects; a cluster caught up this way has no failures to retry. */
  async save(record: ConnectivityTrackingRecord, tx: TransactionClient): Promise<void> {
    await tx.connectivityTracking.update({
      where: { clusterId: record.clusterId },
      data: { version: record.version, snapshotId: record.snapshotId, snapshotContentHash: record.snapshotContentHash, failures: 0, retryAfter: null, lastError: null },
    });
  }

  /**
   * Counts a failed catch-up and sets when the background pass may try the cluster again: `baseMs`
   * after the first failure, doubling with each one after it, never more than `maxMs`.
   */
  async recordFailure(clusterId: string, error: string, delay: { baseMs: number; maxMs: number }): Promise<FailedCatchUp | null> {
    const rows = await this.prisma.$queryRaw<{ failures: number; retry_after: Date }[]>`
      INSERT INTO connectivity_tracking (cluster_id, updated_at, failures, last_error, retry_after)
      SELECT id, now(), 1, ${error}, now() + make_interval(secs => ${delay.baseMs}::float8 / 1000) FROM clusters WHERE id = ${clusterId}::uuid
      ON CONFLICT (cluster_id) DO UPDATE SET
        failures = connectivity_tracking.failures + 1,
        last_error = EXCLUDED.last_error,
        retry_after = now() + make_interval(secs => least(${delay.baseMs}::float8 * power(2, least(connectivity_tracking.failures, 40)), ${delay.maxMs}::float8) / 1000),
        updated_at = now()
      RETURNING failures, retry_after`;
    const row = rows[0];
    return row ? { failures: row.failures, retryAfter: row.retry_after } : null;
  }

  /** Clusters whose history lags their head version or newest snapshot, leaving out those waiting to retry a failed catch-up. */
  async listLagging(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT c.id::text AS id ${CLUSTERS_WITH_TRACKING}
      WHERE ${LAGS} AND (t.retry_after IS NULL OR t.retry_after <= now())
      ORDER BY c.name
      LIMIT ${limit}::int`;
    return rows.map((r) => r.id);
  }

  /** Clusters whose history lags and whose last background catch-up failed (FAILING). */
  async countFailing(): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count ${CLUSTERS_WITH_TRACKING} WHERE ${FAILING}`;
    return Number(rows[0]?.count ?? 0);
  }

  /** How current the history of the given clusters (null: every cluster) is, by cluster name. */
  async statuses(clusterIds: readonly string[] | null): Promise<ConnectionHistoryStatusRecord[]> {
    const rows = await this.prisma.$queryRaw<StatusRow[]>`
      SELECT ${STATUS_COLUMNS} ${CLUSTERS_WITH_TRACKING}
      WHERE ${inScope(clusterIds)}
      ORDER BY c.name`;
    return rows.map(toStatusRecord);
  }

  /**
   * Of the given clusters (null: every cluster), the first `limit` whose history lags, by name, as
   * `statuses` describes them, and how many lag in all (`limit` at least 1: the count rides on the
   * rows): filtered and counted here, so a broad scope costs one bounded answer.
   */
  async laggingStatuses(clusterIds: readonly string[] | null, limit: number): Promise<LaggingStatusesRecord> {
    // The window counts the rows before LIMIT keeps the first ones.
    const rows = await this.prisma.$queryRaw<(StatusRow & { total: bigint })[]>`
      SELECT ${STATUS_COLUMNS}, count(*) OVER () AS total ${CLUSTERS_WITH_TRACKING}
      WHERE ${inScope(clusterIds)} AND ${LAGS}
      ORDER BY c.name
      LIMIT ${limit}::int`;
    return { statuses: rows.map(toStatusRecord), total: Number(rows[0]?.total ?? 0) };
  }
}
