import { Injectable } from '@nestjs/common';

import type { Webhook, WebhookDelivery, WebhookEvent } from '../generated/prisma/client';
import { PrismaService, type TransactionClient } from './prisma.service';
import type {
  ClaimedWebhookDelivery,
  NewWebhookEventRecord,
  NewWebhookRecord,
  ProposalWebhookSummary,
  WebhookAttemptOutcome,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookPatch,
  WebhookRecord,
} from './webhook.record';

export function toWebhook(row: Webhook): WebhookRecord {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    clusters: row.clusters,
    format: row.format,
    enabled: row.enabled,
    sealedSecret: Buffer.from(row.secret),
    createdById: row.createdById,
    createdByName: row.createdByName,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toWebhookDelivery(row: WebhookDelivery & { event: WebhookEvent }): WebhookDeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventId: row.eventId,
    event: row.event.event,
    clusterName: row.event.clusterName,
    subjectType: row.event.subjectType,
    subjectId: row.event.subjectId,
    status: row.status,
    attempts: row.attempts,
    attemptLog: row.attemptLog as unknown as WebhookAttemptRecord[],
    nextAttemptAt: row.nextAttemptAt,
    retryUntil: row.retryUntil,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
  };
}

/** Webhooks, their outbox of events and the deliveries of those events. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(webhook: NewWebhookRecord, tx: TransactionClient): Promise<WebhookRecord> {
    const { sealedSecret, ...rest } = webhook;
    return toWebhook(await tx.webhook.create({ data: { ...rest, secret: new Uint8Array(sealedSecret) } }));
  }

  /** Returns the webhook after and before the change, or null when there is none with this id. */
  async update(id: string, patch: WebhookPatch, tx: TransactionClient): Promise<{ webhook: WebhookRecord; previous: WebhookRecord } | null> {
    const previous = await tx.webhook.findUnique({ where: { id } });
    if (!previous) return null;
    const { sealedSecret, ...rest } = patch;
    const row = await tx.webhook.update({ where: { id }, data: { ...rest, ...(sealedSecret ? { secret: new Uint8Array(sealedSecret) } : {}) } });
    return { webhook: toWebhook(row), previous: toWebhook(previous) };
  }

  async delete(id: string, tx: TransactionClient): Promise<WebhookRecord | null> {
    const row = await tx.webhook.findUnique({ where: { id } });
    if (!row) return null;
    await tx.webhook.delete({ where: { id } });
    return toWebhook(row);
  }

  async findById(id: string): Promise<WebhookRecord | null> {
    const row = await this.prisma.webhook.findUnique({ where: { id } });
    return row ? toWebhook(row) : null;
  }

  /** Oldest first. */
  async list(): Promise<WebhookRecord[]> {
    return (await this.prisma.webhook.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(toWebhook);
  }

  /** Ids of the enabled webhooks subscribed to `event` on `clusterName` (an empty cluster list means every cluster). */
  async subscribers(event: string, clusterName: string | null, tx: TransactionClient): Promise<string[]> {
    const clusterFilter = clusterName === null ? [{ clusters: { isEmpty: true } }] : [{ clusters: { isEmpty: true } }, { clusters: { has: clusterName } }];
    const hooks = await tx.webhook.findMany({ where: { enabled: true, events: { has: event }, OR: clusterFilter }, select: { id: true } });
    return hooks.map((hook) => hook.id);
  }

  /** Writes the event and one pending delivery per webhook in `webhookIds`, in the caller's transaction. */
  async enqueue(event: NewWebhookEventRecord, webhookIds: string[], tx: TransactionClient): Promise<void> {
    if (webhookIds.length === 0) return;
    const row = await tx.webhookEvent.create({
      data: { event: event.event, clusterName: event.clusterName, subjectType: event.subjectType, subjectId: event.subjectId, payload: event.payload as object },
    });
    await tx.webhookDelivery.createMany({ data: webhookIds.map((webhookId) => ({ webhookId, eventId: row.id })) });
  }

  /** The proposal as a webhook payload summarises it (title, status, author, analysis figures). */
  async proposalSummary(id: string, tx: TransactionClient): Promise<ProposalWebhookSummary | null> {
    const row = await tx.proposal.findUnique({ where: { id }, include: { analysis: { select: { status: true, summary: true, findings: true } } } });
    if (!row) return null;
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      revision: row.revision,
      baseVersion: row.baseVersion,
      mergedVersion: row.mergedVersion,
      author: { name: row.authorName, kind: row.authorKind },
      sourceUrl: row.sourceUrl,
      sourceCommit: row.sourceCommit,
      analysis: row.analysis ? { status: row.analysis.status, summary: row.analysis.summary, findings: row.analysis.findings } : null,
    };
  }

  /**
   * Claims up to `limit` due deliveries for `leaseMs` (their next attempt moves past the lease, so no
   * other dispatcher sends them meanwhile; a dispatcher that dies leaves them due again after it).
   * A delivery waits while an earlier event of the same webhook and subject is still pending, so
   * each (webhook, subject) goes out in commit order, and while its webhook is disabled. Rows another dispatcher is claiming are skipped.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedWebhookDelivery[]> {
    const rows = await this.prisma.$queryRaw<
      { id: string; webhook_id: string; url: string; format: 'JSON' | 'SLACK'; secret: Uint8Array; event: string; payload: Record<string, unknown>; attempts: number; retry_until: Date | null }[]
    >`
      WITH picked AS (
        SELECT d.id, e.seq
        FROM webhook_deliveries d
        JOIN webhook_events e ON e.id = d.event_id
        JOIN webhooks w0 ON w0.id = d.webhook_id AND w0.enabled
        WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries d2 JOIN webhook_events e2 ON e2.id = d2.event_id
            WHERE d2.webhook_id = d.webhook_id AND d2.status = 'PENDING'
              AND e2.subject_type = e.subject_type AND e2.subject_id = e.subject_id AND e2.seq < e.seq)
        ORDER BY e.seq
        LIMIT ${limit}::int
        FOR UPDATE OF d SKIP LOCKED
      )
      UPDATE webhook_deliveries d
      SET next_attempt_at = now() + (${leaseMs}::int * interval '1 millisecond'), updated_at = now()
      FROM picked, webhook_events e, webhooks w
      WHERE d.id = picked.id AND e.id = d.event_id AND w.id = d.webhook_id
      RETURNING d.id, d.webhook_id, w.url, w.format::text AS format, w.secret, e.event, e.payload, d.attempts, d.retry_until, picked.seq`;
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      url: row.url,
      format: row.format,
      sealedSecret: Buffer.from(row.secret),
      event: row.event,
      payload: row.payload,
      attempts: row.attempts,
      retryUntil: row.retry_until,
    }));
  }

  /** Records an attempt's outcome on a pending delivery (one a redelivery re-queued meanwhile is left alone). */
  async recordAttempt(id: string, outcome: WebhookAttemptOutcome): Promise<void> {
    const { attempt } = outcome;
    await this.prisma.$executeRaw`
      UPDATE webhook_deliveries
      SET status = ${outcome.status}::"WebhookDeliveryStatus",
          attempts = attempts + 1,
          attempt_log = attempt_log || ${JSON.stringify([attempt])}::jsonb,
          next_attempt_at = ${outcome.nextAttemptAt},
          retry_until = ${outcome.retryUntil},
          last_status_code = ${attempt.statusCode},
          last_error = ${attempt.error},
          last_response_excerpt = ${attempt.responseExcerpt},
          last_duration_ms = ${attempt.durationMs},
          delivered_at = CASE WHEN ${outcome.status} = 'DELIVERED' THEN now() ELSE delivered_at END,
          updated_at = now()
      WHERE id = ${id}::uuid AND status = 'PENDING'`;
  }

  /** Newest first. */
  async listDeliveries(webhookId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { webhookId },
      include: { event: true },
      orderBy: [{ event: { seq: 'desc' } }],
      take: limit,
    });
    return rows.map(toWebhookDelivery);
  }

  /** Queues the delivery again (same id), due now with a fresh retry window; null when not found. */
  async redeliver(webhookId: string, deliveryId: string, tx: TransactionClient): Promise<WebhookDeliveryRecord | null> {
    const found = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, webhookId } });
    if (!found) return null;
    const row = await tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: { status: 'PENDING', nextAttemptAt: new Date(), retryUntil: null },
      include: { event: true },
    });
    return toWebhookDelivery(row);
  }
}
