import { type AuditEventRecord, type TransactionClient, WebhookRepository } from '@palisade/persistence';
import type { WebhookEventName } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

const STATUS_EVENTS: Partial<Record<string, WebhookEventName>> = { APPROVED: 'proposal.approved', CHANGES_REQUESTED: 'proposal.changes_requested' };
const STATUS_ACTIONS = new Set(['review.submitted', 'proposal.approved_by_rule', 'proposal.status_changed']);

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The webhook event an audited change is, if any. Sync events: applied, healed or drift resolved
 * → in sync; the first retryable apply failure → unreachable; a final one → failed; drift found → drifted.
 */
export function toWebhookEventName(event: Pick<AuditEventRecord, 'action' | 'subjectType' | 'before' | 'after'>): WebhookEventName | null {
  switch (event.action) {
    case 'proposal.created':
    case 'proposal.updated':
    case 'proposal.merged':
    case 'proposal.conflicted':
    case 'proposal.rejected':
      return event.action;
    case 'proposal.analyzed':
      return 'proposal.analysis_ready';
    case 'sync.applied':
    case 'sync.healed':
    case 'sync.drift_resolved':
      return 'sync.in_sync';
    case 'sync.drift_detected':
      return 'sync.drifted';
    case 'sync.failed': {
      if (field(event.after, 'retryable') !== true) return 'sync.failed';
      // Once per outage: the retries after the first attempt are no news.
      const attempts = field(event.after, 'attempts');
      return typeof attempts === 'number' && attempts > 1 ? null : 'sync.unreachable';
    }
    default: {
      if (!STATUS_ACTIONS.has(event.action) || event.subjectType !== 'proposal') return null;
      const status = field(event.after, 'status');
      if (typeof status !== 'string' || status === field(event.before, 'status')) return null;
      return STATUS_EVENTS[status] ?? null;
    }
  }
}

/**
 * Derives webhook events from audit events, in the transaction of the change: an event exists
 * for delivery exactly when its change committed. Payloads carry summaries, never manifests or secrets.
 */
@Injectable()
export class WebhookOutbox {
  constructor(private readonly webhooks: WebhookRepository) {}

  async enqueue(tx: TransactionClient, audit: AuditEventRecord): Promise<void> {
    const name = toWebhookEventName(audit);
    if (name === null) return;
    const subscribers = await this.webhooks.subscribers(name, audit.clusterName, tx);
    if (subscribers.length === 0) return; // nobody listens: no outbox row, no further reads
    const proposal = audit.subjectType === 'proposal' ? await this.webhooks.proposalSummary(audit.subjectId, tx) : null;
    const payload: Record<string, unknown> = {
      event: name,
      occurredAt: audit.createdAt.toISOString(),
      cluster: audit.clusterName,
      subject: { type: audit.subjectType, id: audit.subjectId },
      actor: { name: audit.actor.name, kind: audit.actor.kind },
      ...(proposal ? { proposal } : {}),
      ...(audit.subjectType === 'cluster' ? { sync: syncSummary(audit.after) } : {}),
    };
    await this.webhooks.enqueue({ event: name, clusterName: audit.clusterName, subjectType: audit.subjectType, subjectId: audit.subjectId, payload }, subscribers, tx);
  }
}

/** What the worker recorded, without conflict details beyond names. */
function syncSummary(after: unknown): Record<string, unknown> {
  const pick = ['appliedVersion', 'version', 'status', 'error', 'attempts', 'nextRetryAt', 'retryable'];
  const out: Record<string, unknown> = {};
  for (const key of pick) if (field(after, key) !== undefined) out[key] = field(after, key);
  const drift = field(after, 'drift');
  if (Array.isArray(drift)) out['drift'] = drift.length;
  return out;
}
