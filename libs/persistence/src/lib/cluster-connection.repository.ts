import { Injectable } from '@nestjs/common';

import type { ClusterConnection } from '../generated/prisma/client';
import type { ClusterCapabilities, ClusterConnectionInput, ClusterConnectionRecord } from './cluster-connection.record';
import { PrismaService, type TransactionClient } from './prisma.service';

const NO_CAPABILITIES: ClusterCapabilities = { endPort: false, adminNetworkPolicy: false };

export function toClusterConnection(row: ClusterConnection): ClusterConnectionRecord {
  return {
    clusterId: row.clusterId,
    credentials: Buffer.from(row.credentials),
    serverVersion: row.serverVersion,
    capabilities: { ...NO_CAPABILITIES, ...((row.capabilities ?? {}) as Partial<ClusterCapabilities>) },
    checkedAt: row.checkedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Injectable()
export class ClusterConnectionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates or replaces the connection of a cluster. */
  async save(input: ClusterConnectionInput, tx: TransactionClient = this.prisma): Promise<ClusterConnectionRecord> {
    const data = {
      credentials: new Uint8Array(input.credentials),
      serverVersion: input.serverVersion,
      capabilities: { ...input.capabilities },
      checkedAt: input.checkedAt,
    };
    const row = await tx.clusterConnection.upsert({
      where: { clusterId: input.clusterId },
      create: { clusterId: input.clusterId, ...data },
      update: data,
    });
    return toClusterConnection(row);
  }

  async findByClusterId(clusterId: string, tx: TransactionClient = this.prisma): Promise<ClusterConnectionRecord | null> {
    const row = await tx.clusterConnection.findUnique({ where: { clusterId } });
    return row ? toClusterConnection(row) : null;
  }
}
