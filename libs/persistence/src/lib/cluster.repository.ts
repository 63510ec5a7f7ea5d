import { Injectable } from '@nestjs/common';

import type { Cluster } from '../generated/prisma/client';
import type { ClusterRecord, NewCluster } from './cluster.record';
import { PrismaService, type TransactionClient } from './prisma.service';
import { isUniqueViolation } from './prisma-errors.util';

export class ClusterNameTakenError extends Error {
  constructor(readonly clusterName: string) {
    super(`cluster ${clusterName} already exists`);
  }
}

export function toCluster(row: Cluster): ClusterRecord {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    labels: (row.labels ?? {}) as Record<string, string>,
    headVersion: row.headVersion,
    desiredVersion: row.desiredVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Injectable()
export class ClusterRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** @throws ClusterNameTakenError when the name is in use. */
  async create(cluster: NewCluster, tx: TransactionClient = this.prisma): Promise<ClusterRecord> {
    try {
      const row = await tx.cluster.create({
        data: { name: cluster.name, displayName: cluster.displayName ?? null, labels: cluster.labels },
      });
      return toCluster(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ClusterNameTakenError(cluster.name);
      throw error;
    }
  }

  async findById(id: string, tx: TransactionClient = this.prisma): Promise<ClusterRecord | null> {
    const row = await tx.cluster.findUnique({ where: { id } });
    return row ? toCluster(row) : null;
  }

  async findByName(name: string, tx: TransactionClient = this.prisma): Promise<ClusterRecord | null> {
    const row = await tx.cluster.findUnique({ where: { name } });
    return row ? toCluster(row) : null;
  }

  /**
   * Locks the cluster row until the transaction ends; serialises version writes per cluster. The
   * lock is FOR NO KEY UPDATE (the key never changes): rows that merely reference the cluster (a
   * connection-history catch-up's, a snapshot's) take a key-share lock on it, which this one lets
   * through instead of waiting for, or deadlocking with, transactions that hold them.
   */
  async lockByName(name: string, tx: TransactionClient): Promise<ClusterRecord | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM clusters WHERE name = ${name} FOR NO KEY UPDATE`;
    if (rows.length === 0) return null;
    return this.findByName(name, tx);
  }

  /** Clusters ordered by name; `names` restricts the list when given. */
  async list(names?: readonly string[]): Promise<ClusterRecord[]> {
    const rows = await this.prisma.cluster.findMany({
      where: names ? { name: { in: [...names] } } : undefined,
      orderBy: { name: 'asc' },
    });
    return rows.map(toCluster);
  }
}
