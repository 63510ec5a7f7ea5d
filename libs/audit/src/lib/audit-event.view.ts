import type { AuditEventRecord } from '@palisade/persistence';
import type { Actor } from '@palisade/shared-types';

export interface AuditEventView {
  id: string;
  seq: number;
  createdAt: Date;
  actor: Actor;
  action: string;
  cluster: string | null;
  subject: { type: string; id: string };
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientAddress: string | null;
  prevHash: string;
  hash: string;
}

export function toAuditEventView(record: AuditEventRecord): AuditEventView {
  return {
    id: record.id,
    seq: record.seq,
    createdAt: record.createdAt,
    actor: record.actor,
    action: record.action,
    cluster: record.clusterName,
    subject: { type: record.subjectType, id: record.subjectId },
    before: record.before,
    after: record.after,
    requestId: record.request?.requestId ?? null,
    clientAddress: record.request?.clientAddress ?? null,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

export type AuditChainBreak = 'SEQUENCE_GAP' | 'PREV_HASH_MISMATCH' | 'HASH_MISMATCH' | 'HEAD_MISMATCH';

/** The outcome of recomputing the chain: `ok`, or the first link that does not hold. */
export interface AuditVerification {
  ok: boolean;
  eventsChecked: number;
  headSeq: number;
  headHash: string;
  firstBroken: { seq: number; eventId: string | null; reason: AuditChainBreak; message: string } | null;
}
