import { Injectable } from '@nestjs/common';

import type { ClusterSyncState } from '../generated/prisma/client';
import type {
  ClusterSyncStateRecord,
  DriftItem,
  DriftModeKind,
  HeldCluster,
  SyncConflict,
  SyncLease,
  SyncProgress,
  SyncSettings,
} from './cluster-sync-state.record';
import { LeaseLostError } from './cluster-sync-state.record';
import { PrismaService, type TransactionClient } from './prisma.service';

export function toClusterSyncState(row: ClusterSyncState): ClusterSyncStateRecord {
  return {
    clusterId: row.clusterId,
    status: row.status,
    appliedVersion: row.appliedVersion,
    failedVersion: row.failedVersion,
    attempts: row.attempts,
    nextRetryAt: row.nextRetryAt,
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt,
    lastAppliedAt: row.lastAppliedAt,
    conflicts: (row.conflicts ?? []) as unknown as SyncConflict[],
    drift: (row.drift ?? []) as unknown as DriftItem[],
    driftDetectedAt: row.driftDetectedAt,
    driftMode: row.driftMode,
    forceConflicts: row.forceConflicts,
    leaseHolder: row.leaseHolder,
    leaseExpiresAt: row.leaseExpiresAt,
    fencingToken: row.fencingToken,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function progressData(progress: SyncProgress): Record<string, unknown> {
  const { conflicts, drift, ...rest } = progress;
  return {
    ...rest,
    ...(conflicts !== undefined ? { conflicts: conflicts as unknown as object } : {}),
    ...(drift !== undefined ? { drift: drift as unknown as object } : {}),
  };
}

/**
 * Sync state and leases. A worker claims clusters with `FOR UPDATE SKIP LOCKED` (so concurrent
 * workers never wait on, or both take, one row), renews them while it works, and every write it
 * makes is fenced: refused unless the row still names it with the token it was given.
 */
@Injectable()
export class ClusterSyncStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The state of a cluster, created (PENDING, report mode) if it has none yet. */
  async ensure(clusterId: string, tx: TransactionClient = this.prisma): Promise<ClusterSyncStateRecord> {
    const row = await tx.clusterSyncState.upsert({ where: { clusterId }, create: { clusterId }, update: {} });
    return toClusterSyncState(row);
  }

  async find(clusterId: string, tx: TransactionClient = this.prisma): Promise<ClusterSyncStateRecord | null> {
    const row = await tx.clusterSyncState.findUnique({ where: { clusterId } });
    return row ? toClusterSyncState(row) : null;
  }

  async updateSettings(clusterId: string, settings: SyncSettings, tx: TransactionClient = this.prisma): Promise<ClusterSyncStateRecord> {
    const data = {
      ...(settings.driftMode !== undefined ? { driftMode: settings.driftMode } : {}),
      ...(settings.forceConflicts !== undefined ? { forceConflicts: settings.forceConflicts } : {}),
    };
    const row = await tx.clusterSyncState.upsert({ where: { clusterId }, create: { clusterId, ...data }, update: data });
    return toClusterSyncState(row);
  }

  /** Forgets a refused version and any backoff, so the worker tries again at its next poll. */
  async requestRetry(clusterId: string, tx: TransactionClient = this.prisma): Promise<ClusterSyncStateRecord> {
    const row = await tx.clusterSyncState.upsert({
      where: { clusterId },
      create: { clusterId },
      update: { failedVersion: null, nextRetryAt: null, attempts: 0 },
    });
    return toClusterSyncState(row);
  }

  /**
   * Claims up to `limit` connected clusters whose lease is free or expired, for `ttlMs`. Rows another
   * transaction has locked are skipped, not waited for. Each claim increments the fencing token.
   */
  async claim(holder: string, ttlMs: number, limit: number): Promise<SyncLease[]> {
    if (limit <= 0) return [];
    const rows = await this.prisma.$queryRaw<{ cluster_id: string; fencing_token: bigint }[]>`
      UPDATE cluster_sync_states s
      SET lease_holder = ${holder},
          lease_expires_at = now() + (${ttlMs}::int * interval '1 millisecond'),
          fencing_token = s.fencing_token + 1,
          updated_at = now()
      FROM (
        SELECT st.id
        FROM cluster_sync_states st
        JOIN cluster_connections cc ON cc.cluster_id = st.cluster_id
        WHERE st.lease_holder IS NULL OR st.lease_expires_at IS NULL OR st.lease_expires_at < now()
        ORDER BY st.lease_expires_at NULLS FIRST, st.cluster_id
        LIMIT ${limit}::int
        FOR UPDATE OF st SKIP LOCKED
      ) picked
      WHERE s.id = picked.id
      RETURNING s.cluster_id, s.fencing_token`;
    return rows.map((row) => ({ clusterId: row.cluster_id, holder, token: BigInt(row.fencing_token) }));
  }

  /**
   * Extends the leases still held with the same token (even if just expired: an unchanged token
   * means nobody else claimed in between). Returns the ids renewed; the others are lost.
   */
  async renew(leases: readonly SyncLease[], ttlMs: number): Promise<Set<string>> {
    if (leases.length === 0) return new Set();
    const holder = leases[0]?.holder ?? '';
    const ids = leases.map((l) => l.clusterId);
    const tokens = leases.map((l) => l.token.toString());
    const rows = await this.prisma.$queryRaw<{ cluster_id: string }[]>`
      UPDATE cluster_sync_states s
      SET lease_expires_at = now() + (${ttlMs}::int * interval '1 millisecond')
      FROM unnest(${ids}::uuid[], ${tokens}::bigint[]) AS held(cluster_id, token)
      WHERE s.cluster_id = held.cluster_id AND s.fencing_token = held.token AND s.lease_holder = ${holder}
      RETURNING s.cluster_id`;
    return new Set(rows.map((row) => row.cluster_id));
  }

  /** Gives a lease up (graceful shutdown) so another worker can take the cluster at once. */
  async release(lease: SyncLease): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE cluster_sync_states
      SET lease_holder = NULL, lease_expires_at = NULL
      WHERE cluster_id = ${lease.clusterId}::uuid AND lease_holder = ${lease.holder} AND fencing_token = ${lease.token.toString()}::bigint`;
  }

  /** The clusters `holder` holds, with what decides whether there is work. */
  async listHeld(holder: string): Promise<HeldCluster[]> {
    const rows = await this.prisma.$queryRaw<
      {
        cluster_id: string;
        fencing_token: bigint;
        name: string;
        desired_version: number | null;
        applied_version: number | null;
        failed_version: number | null;
        next_retry_at: Date | null;
        drift_mode: DriftModeKind;
        connection_updated_at: Date;
      }[]
    >`
      SELECT s.cluster_id, s.fencing_token, c.name, c.desired_version, s.applied_version, s.failed_version, s.next_retry_at,
             s.drift_mode::text AS drift_mode, cc.updated_at AS connection_updated_at
      FROM cluster_sync_states s
      JOIN clusters c ON c.id = s.cluster_id
      JOIN cluster_connections cc ON cc.cluster_id = s.cluster_id
      WHERE s.lease_holder = ${holder}
      ORDER BY c.name`;
    return rows.map((row) => ({
      lease: { clusterId: row.cluster_id, holder, token: BigInt(row.fencing_token) },
      clusterName: row.name,
      desiredVersion: row.desired_version,
      appliedVersion: row.applied_version,
      failedVersion: row.failed_version,
      nextRetryAt: row.next_retry_at,
      driftMode: row.drift_mode,
      connectionUpdatedAt: row.connection_updated_at,
    }));
  }

  /**
   * @throws LeaseLostError unless `lease` is still held with at least `marginMs` left. Called before
   * every write to a cluster: the margin keeps a write from starting just as the lease runs out.
   */
  async assertHeld(lease: SyncLease, marginMs: number, tx: TransactionClient = this.prisma): Promise<void> {
    const rows = await tx.$queryRaw<{ ok: boolean }[]>`
      SELECT 1 AS ok FROM cluster_sync_states
      WHERE cluster_id = ${lease.clusterId}::uuid AND lease_holder = ${lease.holder}
        AND fencing_token = ${lease.token.toString()}::bigint
        AND lease_expires_at > now() + (${marginMs}::int * interval '1 millisecond')`;
    if (rows.length === 0) throw new LeaseLostError(lease);
  }

  /**
   * Writes progress under the lease: locks the row, checks holder and token, then updates.
   * @throws LeaseLostError when another worker holds the cluster now.
   */
  async recordProgress(lease: SyncLease, progress: SyncProgress, tx: TransactionClient): Promise<ClusterSyncStateRecord> {
    const rows = await tx.$queryRaw<{ fencing_token: bigint; lease_holder: string | null }[]>`
      SELECT fencing_token, lease_holder FROM cluster_sync_states WHERE cluster_id = ${lease.clusterId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row || row.lease_holder !== lease.holder || BigInt(row.fencing_token) !== lease.token) throw new LeaseLostError(lease);
    const updated = await tx.clusterSyncState.update({ where: { clusterId: lease.clusterId }, data: progressData(progress) });
    return toClusterSyncState(updated);
  }
}
