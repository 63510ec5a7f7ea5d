import { Injectable } from '@nestjs/common';

import { type AuditEvent, Prisma } from '../generated/prisma/client';
import type { AuditChainHeadRecord, AuditEventFilter, AuditEventRecord } from './audit-event.record';
import { PrismaService, type TransactionClient } from './prisma.service';

export function toAuditEvent(row: AuditEvent): AuditEventRecord {
  return {
    id: row.id,
    seq: Number(row.seq),
    createdAt: row.createdAt,
    actor: { id: row.actorId, name: row.actorName, kind: row.actorKind as AuditEventRecord['actor']['kind'] },
    action: row.action,
    clusterId: row.clusterId,
    clusterName: row.clusterName,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    before: row.before ?? null,
    after: row.after ?? null,
    request: row.requestId !== null || row.clientAddress !== null ? { requestId: row.requestId ?? '', clientAddress: row.clientAddress } : null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** Events about credentials rather than a cluster: seen by the auditors of every cluster they reach. */
const CREDENTIAL_SUBJECT_TYPES = ['principal', 'token'];

/**
 * A scoped reader sees its clusters' events, plus the token and principal events whose `clusters`
 * (in `after`, as every such event records it) reach one of its clusters or are null (every cluster).
 */
function withinScope(scope: readonly string[]): Prisma.AuditEventWhereInput {
  return {
    OR: [
      { clusterName: { in: [...scope] } },
      {
        clusterName: null,
        subjectType: { in: CREDENTIAL_SUBJECT_TYPES },
        OR: [
          { after: { path: ['clusters'], equals: Prisma.JsonNull } },
          ...scope.map((name): Prisma.AuditEventWhereInput => ({ after: { path: ['clusters'], array_contains: [name] } })),
        ],
      },
    ],
  };
}

/** The same rule as `withinScope`, for an event already read (verification walks every event). */
export function isAuditEventWithinScope(event: Pick<AuditEventRecord, 'clusterName' | 'subjectType' | 'after'>, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  if (event.clusterName !== null) return scope.includes(event.clusterName);
  if (!CREDENTIAL_SUBJECT_TYPES.includes(event.subjectType)) return false;
  const clusters = event.after !== null && typeof event.after === 'object' ? (event.after as Record<string, unknown>)['clusters'] : undefined;
  return clusters === null || (Array.isArray(clusters) && clusters.some((name) => scope.includes(name as string)));
}

const jsonOrNull = (value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull =>
  value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue);

@Injectable()
export class AuditEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Locks the chain head until `tx` ends, so appends are serialised and the chain cannot fork.
   * Every audited transaction holds this lock from its first append to its commit.
   */
  async lockHead(tx: TransactionClient): Promise<AuditChainHeadRecord> {
    const rows = await tx.$queryRaw<{ last_seq: bigint; last_hash: string; now: Date }[]>`
      SELECT last_seq, last_hash,
             GREATEST(date_trunc('milliseconds', clock_timestamp()), COALESCE(last_created_at, '-infinity')) AS now
        FROM audit_chain_head WHERE id = 1 FOR UPDATE`;
    const head = rows[0];
    if (!head) throw new Error('audit_chain_head has no row: the audit migration did not run');
    return { lastSeq: Number(head.last_seq), lastHash: head.last_hash, now: head.now };
  }

  /** Appends one event and advances the head; the caller holds the head lock (lockHead) in `tx`. */
  async append(event: AuditEventRecord, tx: TransactionClient): Promise<AuditEventRecord> {
    const row = await tx.auditEvent.create({
      data: {
        id: event.id,
        seq: BigInt(event.seq),
        createdAt: event.createdAt,
        actorId: event.actor.id,
        actorName: event.actor.name,
        actorKind: event.actor.kind,
        action: event.action,
        clusterId: event.clusterId,
        clusterName: event.clusterName,
        subjectType: event.subjectType,
        subjectId: event.subjectId,
        before: jsonOrNull(event.before),
        after: jsonOrNull(event.after),
        requestId: event.request?.requestId ?? null,
        clientAddress: event.request?.clientAddress ?? null,
        prevHash: event.prevHash,
        hash: event.hash,
      },
    });
    await tx.auditChainHead.update({
      where: { id: 1 },
      data: { lastSeq: BigInt(event.seq), lastHash: event.hash, lastCreatedAt: event.createdAt },
    });
    return toAuditEvent(row);
  }

  async head(): Promise<{ lastSeq: number; lastHash: string }> {
    const head = await this.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    return { lastSeq: Number(head.lastSeq), lastHash: head.lastHash };
  }

  /** Events in chain order after `afterSeq` and up to `untilSeq`, for verification and export; `scope` limits to what a scoped reader sees. */
  async listChain(afterSeq: number, limit: number, untilSeq?: number, scope?: readonly string[] | null): Promise<AuditEventRecord[]> {
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        seq: { gt: BigInt(afterSeq), ...(untilSeq !== undefined ? { lte: BigInt(untilSeq) } : {}) },
        ...(scope ? withinScope(scope) : {}),
      },
      orderBy: { seq: 'asc' },
      take: limit,
    });
    return rows.map(toAuditEvent);
  }

  /**
   * Newest first, keyset-paginated on seq. Time bounds are turned into seq bounds first (seq and
   * created_at grow together: both are assigned under the head lock), so every filter can use its
   * (column, seq) index and a deep page costs as much as the first.
   */
  async query(filter: AuditEventFilter, limit: number): Promise<AuditEventRecord[]> {
    const seq: { lt?: bigint; gte?: bigint; lte?: bigint } = {};
    if (filter.beforeSeq !== undefined) seq.lt = BigInt(filter.beforeSeq);
    if (filter.from !== undefined) {
      const first = await this.prisma.auditEvent.findFirst({
        where: { createdAt: { gte: filter.from } },
        orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }],
        select: { seq: true },
      });
      if (!first) return [];
      seq.gte = first.seq;
    }
    if (filter.to !== undefined) {
      const last = await this.prisma.auditEvent.findFirst({
        where: { createdAt: { lt: filter.to } },
        orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }],
        select: { seq: true },
      });
      if (!last) return [];
      seq.lte = last.seq;
    }
    const clusterName =
      filter.scope === null
        ? filter.clusterName
        : filter.clusterName !== undefined
          ? filter.scope.includes(filter.clusterName)
            ? filter.clusterName
            : { in: [] }
          : undefined;
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        seq,
        ...(clusterName !== undefined ? { clusterName } : {}),
        ...(filter.actorId !== undefined ? { actorId: filter.actorId } : {}),
        ...(filter.actorName !== undefined ? { actorName: filter.actorName } : {}),
        ...(filter.action !== undefined ? { action: filter.action } : {}),
        ...(filter.scope !== null && filter.clusterName === undefined ? withinScope(filter.scope) : {}),
        ...(filter.subjectId !== undefined ? { subjectId: filter.subjectId } : {}),
        ...(filter.from !== undefined || filter.to !== undefined ? { createdAt: { gte: filter.from, lt: filter.to } } : {}),
      },
      orderBy: { seq: 'desc' },
      take: limit,
    });
    return rows.map(toAuditEvent);
  }
}
