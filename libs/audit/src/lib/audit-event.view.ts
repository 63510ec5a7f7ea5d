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

export type AuditChainBreak =
  | 'SEQUENCE_GAP'
  | 'PREV_HASH_MISMATCH'
  | 'HASH_MISMATCH'
  | 'HEAD_MISMATCH'
  | 'CHECKPOINT_MISMATCH'
  | 'CHECKPOINT_MISSING'
  | 'CHECKPOINT_SIGNATURE_INVALID';

export const AUDIT_CHAIN_BREAKS: readonly AuditChainBreak[] = [
  'SEQUENCE_GAP',
  'PREV_HASH_MISMATCH',
  'HASH_MISMATCH',
  'HEAD_MISMATCH',
  'CHECKPOINT_MISMATCH',
  'CHECKPOINT_MISSING',
  'CHECKPOINT_SIGNATURE_INVALID',
];

/**
 * The outcome of recomputing the chain: `ok`, or the first link that does not hold. For a caller
 * scoped to some clusters it speaks of those clusters' events only: no global count, head or
 * checkpoints, and a break elsewhere is reported without its seq or event id.
 */
export interface AuditVerification {
  ok: boolean;
  /** Events checked: all of them, or the caller's clusters' events. */
  eventsChecked: number;
  /** null for a scoped caller. */
  headSeq: number | null;
  headHash: string | null;
  /** Signed checkpoints checked; null for a scoped caller or without PALISADE_AUDIT_SIGNING_KEY. */
  checkpointsChecked: number | null;
  /** The event seq the newest checkpoint signs: later events are not anchored yet. */
  anchoredSeq: number | null;
  /** The clusters reported on; null for an unscoped caller. */
  scope: string[] | null;
  firstBroken: { seq: number | null; eventId: string | null; reason: AuditChainBreak; message: string } | null;
}
