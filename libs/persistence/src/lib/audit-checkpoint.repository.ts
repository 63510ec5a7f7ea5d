import { Injectable } from '@nestjs/common';

import type { AuditCheckpoint } from '../generated/prisma/client';
import type { AuditCheckpointRecord } from './audit-event.record';
import { PrismaService, type TransactionClient } from './prisma.service';

export function toAuditCheckpoint(row: AuditCheckpoint): AuditCheckpointRecord {
  return { number: Number(row.number), seq: Number(row.seq), hash: row.hash, time: row.createdAt, keyId: row.keyId, signature: row.signature };
}

// Serialises checkpoint writers (API replicas, a shutdown racing the timer) per database.
const CHECKPOINT_LOCK_KEY = 72707371;

@Injectable()
export class AuditCheckpointRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * In one transaction holding the checkpoint lock: the newest checkpoint and the chain head as of
   * now, handed to `write`, which returns the checkpoint to append (or null for none).
   */
  async appendNext(write: (latest: AuditCheckpointRecord | null, head: { lastSeq: number; lastHash: string }) => AuditCheckpointRecord | null): Promise<AuditCheckpointRecord | null> {
    return this.prisma.$transaction(async (tx: TransactionClient) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHECKPOINT_LOCK_KEY})`;
      const latestRow = await tx.auditCheckpoint.findFirst({ orderBy: { number: 'desc' } });
      const head = await tx.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
      const next = write(latestRow ? toAuditCheckpoint(latestRow) : null, { lastSeq: Number(head.lastSeq), lastHash: head.lastHash });
      if (!next) return null;
      const row = await tx.auditCheckpoint.create({
        data: { number: BigInt(next.number), seq: BigInt(next.seq), hash: next.hash, createdAt: next.time, keyId: next.keyId, signature: next.signature },
      });
      return toAuditCheckpoint(row);
    });
  }

  /** In number order, after `afterNumber`. */
  async list(afterNumber: number, limit: number): Promise<AuditCheckpointRecord[]> {
    const rows = await this.prisma.auditCheckpoint.findMany({ where: { number: { gt: BigInt(afterNumber) } }, orderBy: { number: 'asc' }, take: limit });
    return rows.map(toAuditCheckpoint);
  }
}
