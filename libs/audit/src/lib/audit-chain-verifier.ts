import type { KeyObject } from 'node:crypto';

import type { AuditEventRecord } from '@palisade/persistence';

import { auditCheckpointSignatureValid, type AuditCheckpoint } from './audit-checkpoint.util';
import type { AuditChainBreak } from './audit-event.view';
import { auditEventHash, GENESIS_HASH } from './audit-hash.util';

/** The first link of the chain, or checkpoint, that does not hold. */
export interface AuditChainProblem {
  seq: number;
  eventId: string | null;
  reason: AuditChainBreak;
  message: string;
}

/**
 * Walks the audit chain in seq order and checks every link: seq without gaps, each event linking to
 * the previous hash, each hash matching its content, and (with a public key) each signed checkpoint
 * naming the hash the chain has at its seq. A history rewritten and re-hashed by someone who can
 * write the table still contradicts the checkpoints, which only the key's holder can sign.
 *
 * Used the same way by the API (rows in batches) and `palisade audit verify` (lines of an export).
 */
export class AuditChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private readonly bySeq = new Map<number, AuditCheckpoint>();
  private problem: AuditChainProblem | null = null;
  /** Events whose links held, in order. */
  checked = 0;
  readonly checkpointsChecked: number;
  /** The seq the newest valid checkpoint signs; events after it are not anchored yet. */
  readonly anchoredSeq: number | null;

  /**
   * @param checkpoints every stored checkpoint, in number order.
   * @param publicKey the checkpoints' key; null checks the chain alone (no key configured).
   */
  constructor(checkpoints: readonly AuditCheckpoint[], publicKey: KeyObject | null) {
    let anchored: number | null = null;
    if (publicKey) {
      for (const [index, checkpoint] of checkpoints.entries()) {
        if (checkpoint.number !== index + 1) {
          this.problem = {
            seq: checkpoint.seq,
            eventId: null,
            reason: 'CHECKPOINT_MISSING',
            message: `checkpoint ${index + 1} is missing (the next one stored is ${checkpoint.number}): checkpoints were removed`,
          };
          break;
        }
        if (!auditCheckpointSignatureValid(checkpoint, publicKey)) {
          this.problem = {
            seq: checkpoint.seq,
            eventId: null,
            reason: 'CHECKPOINT_SIGNATURE_INVALID',
            message: `checkpoint ${checkpoint.number} is not signed by the audit key ${checkpoint.keyId === '' ? '' : `(it names key ${checkpoint.keyId.slice(0, 16)}…)`}`.trim(),
          };
          break;
        }
        this.bySeq.set(checkpoint.seq, checkpoint);
        anchored = Math.max(anchored ?? 0, checkpoint.seq);
      }
    }
    this.checkpointsChecked = publicKey ? this.bySeq.size : 0;
    this.anchoredSeq = anchored;
  }

  /** The problem found so far; once there is one, further events are ignored. */
  get firstProblem(): AuditChainProblem | null {
    return this.problem;
  }

  /** The seq and hash of the last event whose links held. */
  get last(): { seq: number; hash: string } {
    return { seq: this.expectedSeq - 1, hash: this.prevHash };
  }

  /** Checks the next event of the chain; false once a link does not hold. */
  add(event: AuditEventRecord): boolean {
    if (this.problem) return false;
    if (event.seq !== this.expectedSeq) {
      return this.fail({ seq: this.expectedSeq, eventId: null, reason: 'SEQUENCE_GAP', message: `event ${this.expectedSeq} is missing (next stored event is ${event.seq})` });
    }
    if (event.prevHash !== this.prevHash) {
      return this.fail({ seq: event.seq, eventId: event.id, reason: 'PREV_HASH_MISMATCH', message: `event ${event.seq} does not link to the hash of event ${event.seq - 1}` });
    }
    if (auditEventHash(event.prevHash, event) !== event.hash) {
      return this.fail({ seq: event.seq, eventId: event.id, reason: 'HASH_MISMATCH', message: `event ${event.seq} was altered: its content no longer matches its hash` });
    }
    const checkpoint = this.bySeq.get(event.seq);
    if (checkpoint && checkpoint.hash !== event.hash) {
      return this.fail({
        seq: event.seq,
        eventId: event.id,
        reason: 'CHECKPOINT_MISMATCH',
        message: `event ${event.seq} has another hash than checkpoint ${checkpoint.number} signed at ${checkpoint.time.toISOString()}: the history up to it was rewritten`,
      });
    }
    this.checked++;
    this.prevHash = event.hash;
    this.expectedSeq++;
    return true;
  }

  /**
   * After the last event: the head must name it (when the head is known), and no checkpoint may
   * sign an event the chain no longer has.
   */
  finish(head: { lastSeq: number; lastHash: string } | null): AuditChainProblem | null {
    if (this.problem) return this.problem;
    const last = this.last;
    const beyond = [...this.bySeq.values()].find((checkpoint) => checkpoint.seq > last.seq);
    if (beyond) {
      this.fail({
        seq: beyond.seq,
        eventId: null,
        reason: 'CHECKPOINT_MISMATCH',
        message: `checkpoint ${beyond.number} signed event ${beyond.seq}, but the chain ends at event ${last.seq}: events were removed`,
      });
    } else if (head && (last.seq !== head.lastSeq || last.hash !== head.lastHash)) {
      this.fail({ seq: last.seq + 1, eventId: null, reason: 'HEAD_MISMATCH', message: `the chain ends at event ${last.seq} but its head names event ${head.lastSeq}` });
    }
    return this.problem;
  }

  private fail(problem: AuditChainProblem): false {
    this.problem = problem;
    return false;
  }
}
