import { randomUUID } from 'node:crypto';

import { Metrics, secondsSince } from '@palisade/observability';
import { type AuditEventRecord, AuditEventRepository, type TransactionClient } from '@palisade/persistence';
import { Injectable, Optional } from '@nestjs/common';
import type { Histogram } from 'prom-client';

import { auditEventHash } from './audit-hash.util';
import type { NewAuditEvent } from './new-audit-event.type';
import { WebhookOutbox } from './webhook-outbox';

/** JSON as it will read back from a jsonb column, so the hash written is the hash recomputed. */
function asStoredJson(value: unknown): unknown {
  return value === undefined || value === null ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Writes audit events in the caller's transaction, so an event exists exactly when its change does.
 *
 * Appends are serialised by a row lock on the chain head held until the transaction ends: call
 * `record` as the last write of a transaction (after taking any other lock) to keep that short and
 * to keep lock order (cluster row, proposal row, then chain head) the same everywhere.
 */
@Injectable()
export class AuditRecorder {
  private readonly appendDuration?: Histogram<'action'>;

  constructor(
    private readonly events: AuditEventRepository,
    private readonly outbox: WebhookOutbox,
    @Optional() metrics?: Metrics,
  ) {
    this.appendDuration = metrics?.histogram({
      name: 'palisade_audit_append_duration_seconds',
      help: 'Appending one audit event (waiting for the chain head lock included), by action',
      labelNames: ['action'],
    });
  }

  async record(tx: TransactionClient, event: NewAuditEvent): Promise<AuditEventRecord> {
    const start = process.hrtime.bigint();
    const recorded = await this.append(tx, event);
    this.appendDuration?.observe({ action: event.action }, secondsSince(start));
    return recorded;
  }

  private async append(tx: TransactionClient, event: NewAuditEvent): Promise<AuditEventRecord> {
    const head = await this.events.lockHead(tx);
    const content: Omit<AuditEventRecord, 'hash' | 'prevHash'> = {
      id: randomUUID(),
      seq: head.lastSeq + 1,
      createdAt: head.now,
      actor: { id: event.actor.id, name: event.actor.name, kind: event.actor.kind },
      action: event.action,
      clusterId: event.clusterId ?? null,
      clusterName: event.clusterName ?? null,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      before: asStoredJson(event.before),
      after: asStoredJson(event.after),
      request: event.request ? { requestId: event.request.requestId, clientAddress: event.request.clientAddress } : null,
    };
    const recorded = await this.events.append({ ...content, prevHash: head.lastHash, hash: auditEventHash(head.lastHash, content) }, tx);
    // The webhook outbox is written in the same transaction: a notification exists exactly when its change does.
    await this.outbox.enqueue(tx, recorded);
    return recorded;
  }
}
