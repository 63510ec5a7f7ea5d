import { createHash } from 'node:crypto';

import { canonicalJson } from '@palisade/netpol-engine';
import type { AuditEventRecord } from '@palisade/persistence';

/** The previous hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Everything an event says, in the form that is hashed: what verification recomputes from the row. */
export function auditEventContent(event: Omit<AuditEventRecord, 'hash' | 'prevHash'>): unknown {
  return {
    id: event.id,
    seq: event.seq,
    createdAt: event.createdAt.toISOString(),
    actor: { id: event.actor.id, name: event.actor.name, kind: event.actor.kind },
    action: event.action,
    clusterId: event.clusterId,
    clusterName: event.clusterName,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    before: event.before ?? null,
    after: event.after ?? null,
    request: event.request ? { requestId: event.request.requestId, clientAddress: event.request.clientAddress } : null,
  };
}

/** sha256(prevHash + canonical JSON of the event's content), hex. */
export function auditEventHash(prevHash: string, event: Omit<AuditEventRecord, 'hash' | 'prevHash'>): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalJson(auditEventContent(event)), 'utf8').digest('hex');
}
