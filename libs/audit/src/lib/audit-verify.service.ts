import { type AuditCheckpointRecord, AuditCheckpointRepository, type AuditEventRecord, AuditEventRepository, isAuditEventWithinScope } from '@palisade/persistence';
import { assertRole, type Caller } from '@palisade/shared-types';
import { Inject, Injectable } from '@nestjs/common';

import { AuditChainVerifier } from './audit-chain-verifier';
import { AUDIT_CHECKPOINT_OPTIONS, type AuditCheckpointOptions } from './audit-checkpoints.options';
import type { AuditVerification } from './audit-event.view';

const VERIFY_BATCH = 2000;
const CHECKPOINT_BATCH = 5000;

/** Every stored checkpoint, in number order. */
export async function allCheckpoints(repository: AuditCheckpointRepository): Promise<AuditCheckpointRecord[]> {
  const all: AuditCheckpointRecord[] = [];
  for (;;) {
    const batch = await repository.list(all.at(-1)?.number ?? 0, CHECKPOINT_BATCH);
    all.push(...batch);
    if (batch.length < CHECKPOINT_BATCH) return all;
  }
}

@Injectable()
export class AuditVerifyService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly checkpoints: AuditCheckpointRepository,
    @Inject(AUDIT_CHECKPOINT_OPTIONS) private readonly options: AuditCheckpointOptions,
  ) {}

  /**
   * Recomputes the whole chain up to the current head, checks it against the signed checkpoints, and
   * reports the first link that does not hold. A scoped caller hears of its clusters' events only.
   */
  async execute(caller: Caller): Promise<AuditVerification> {
    assertRole(caller, ['auditor', 'admin']);
    const scope = caller.principal.clusters;
    const inScope = (event: AuditEventRecord): boolean => isAuditEventWithinScope(event, scope);
    // Checkpoints before the head: every checkpoint read then signs an event at or below the head.
    const checkpoints = await allCheckpoints(this.checkpoints);
    const head = await this.events.head();
    const verifier = new AuditChainVerifier(checkpoints, this.options.signingKey?.publicKey ?? null);
    let visible = 0;
    let failedAt: AuditEventRecord | null = null;
    walk: for (let after = 0; ; ) {
      const batch = await this.events.listChain(after, VERIFY_BATCH, head.lastSeq);
      for (const event of batch) {
        if (!verifier.add(event)) {
          failedAt = event;
          break walk;
        }
        if (inScope(event)) visible++;
      }
      if (batch.length < VERIFY_BATCH) break;
      after = batch.at(-1)?.seq ?? after;
    }
    const problem = verifier.finish(head);
    if (scope === null) {
      return {
        ok: problem === null,
        eventsChecked: verifier.checked,
        headSeq: head.lastSeq,
        headHash: head.lastHash,
        checkpointsChecked: this.options.signingKey ? verifier.checkpointsChecked : null,
        anchoredSeq: verifier.anchoredSeq,
        scope: null,
        firstBroken: problem,
      };
    }
    // A scoped caller learns where the chain broke only when it broke at one of its own events.
    const own = problem !== null && failedAt !== null && problem.eventId === failedAt.id && inScope(failedAt);
    return {
      ok: problem === null,
      eventsChecked: visible,
      headSeq: null,
      headHash: null,
      checkpointsChecked: null,
      anchoredSeq: null,
      scope: [...scope],
      firstBroken:
        problem === null
          ? null
          : own
            ? {
                ...problem,
                message: problem.reason === 'CHECKPOINT_MISMATCH' ? `event ${problem.seq} has another hash than a signed checkpoint: the history up to it was rewritten` : problem.message,
              }
            : { seq: null, eventId: null, reason: problem.reason, message: 'the audit chain is broken outside your clusters: an auditor of every cluster can see where' },
    };
  }
}
