import { Injectable } from '@nestjs/common';

import type { InventorySnapshot } from '../generated/prisma/client';
import type {
  InventorySnapshotRecord,
  InventorySnapshotSummary,
  NewInventorySnapshot,
  SnapshotNamespace,
  SnapshotPod,
} from './inventory-snapshot.record';
import { PrismaService, type TransactionClient } from './prisma.service';

const SUMMARY_FIELDS = {
  id: true,
  clusterId: true,
  source: true,
  takenAt: true,
  contentHash: true,
  namespaceCount: true,
  podCount: true,
} as const;

export function toInventorySnapshotSummary(row: Omit<InventorySnapshot, 'namespaces' | 'pods' | 'createdAt'>): InventorySnapshotSummary {
  return {
    id: row.id,
    clusterId: row.clusterId,
    source: row.source,
    takenAt: row.takenAt,
    contentHash: row.contentHash,
    namespaceCount: row.namespaceCount,
    podCount: row.podCount,
  };
}

export function toInventorySnapshot(row: InventorySnapshot): InventorySnapshotRecord {
  return {
    ...toInventorySnapshotSummary(row),
    namespaces: row.namespaces as unknown as SnapshotNamespace[],
    pods: row.pods as unknown as SnapshotPod[],
  };
}

@Injectable()
export class InventorySnapshotRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(snapshot: NewInventorySnapshot, tx: TransactionClient = this.prisma): Promise<InventorySnapshotSummary> {
    const row = await tx.inventorySnapshot.create({
      data: {
        clusterId: snapshot.clusterId,
        source: snapshot.source,
        takenAt: snapshot.takenAt,
        contentHash: snapshot.contentHash,
        namespaceCount: snapshot.namespaces.length,
        podCount: snapshot.pods.length,
        namespaces: snapshot.namespaces as unknown as object,
        pods: snapshot.pods as unknown as object,
      },
      select: SUMMARY_FIELDS,
    });
    return toInventorySnapshotSummary(row);
  }

  async latest(clusterId: string): Promise<InventorySnapshotRecord | null> {
    const row = await this.prisma.inventorySnapshot.findFirst({ where: { clusterId }, orderBy: [{ takenAt: 'desc' }, { createdAt: 'desc' }] });
    return row ? toInventorySnapshot(row) : null;
  }

  async latestSummary(clusterId: string, tx: TransactionClient = this.prisma): Promise<InventorySnapshotSummary | null> {
    const row = await tx.inventorySnapshot.findFirst({
      where: { clusterId },
      orderBy: [{ takenAt: 'desc' }, { createdAt: 'desc' }],
      select: SUMMARY_FIELDS,
    });
    return row ? toInventorySnapshotSummary(row) : null;
  }

  async findSummary(clusterId: string, id: string, tx: TransactionClient = this.prisma): Promise<InventorySnapshotSummary | null> {
    const row = await tx.inventorySnapshot.findFirst({ where: { clusterId, id }, select: SUMMARY_FIELDS });
    return row ? toInventorySnapshotSummary(row) : null;
  }

  async findById(clusterId: string, id: string, tx: TransactionClient = this.prisma): Promise<InventorySnapshotRecord | null> {
    const row = await tx.inventorySnapshot.findFirst({ where: { clusterId, id } });
    return row ? toInventorySnapshot(row) : null;
  }

  /** Newest first, without the contents. */
  async list(clusterId: string, limit: number): Promise<InventorySnapshotSummary[]> {
    const rows = await this.prisma.inventorySnapshot.findMany({
      where: { clusterId },
      orderBy: [{ takenAt: 'desc' }, { createdAt: 'desc' }],
      take: limit,
      select: SUMMARY_FIELDS,
    });
    return rows.map(toInventorySnapshotSummary);
  }

  /** Deletes all but the newest `keep` snapshots of a cluster; returns how many went. */
  async prune(clusterId: string, keep: number, tx: TransactionClient = this.prisma): Promise<number> {
    return tx.$executeRaw`
      DELETE FROM inventory_snapshots
      WHERE cluster_id = ${clusterId}::uuid
        -- the snapshot the connection history reflects is the base of its next inventory diff
        AND id NOT IN (SELECT snapshot_id FROM connectivity_tracking WHERE cluster_id = ${clusterId}::uuid AND snapshot_id IS NOT NULL)
        AND id NOT IN (
        SELECT id FROM inventory_snapshots WHERE cluster_id = ${clusterId}::uuid ORDER BY taken_at DESC, created_at DESC LIMIT ${keep}::int
      )`;
  }
}
