import { AuditEventRepository } from '@palisade/persistence';
import { assertClusterInScope, assertRole, type Caller, encodeCursor, type Page } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { type AuditEventView, type AuditVerification, toAuditEventView } from './audit-event.view';
import { auditEventHash, GENESIS_HASH } from './audit-hash.util';
import type { AuditQueryCommand } from './audit-query.command';

const VERIFY_BATCH = 2000;

@Injectable()
export class AuditService {
  constructor(private readonly events: AuditEventRepository) {}

  /** Auditors and admins; a scoped principal sees only its clusters' events. Newest first. */
  async query(command: AuditQueryCommand): Promise<Page<AuditEventView>> {
    assertRole(command.caller, ['auditor', 'admin']);
    if (command.cluster !== undefined) assertClusterInScope(command.caller, command.cluster);
    const rows = await this.events.query(
      {
        scope: command.caller.principal.clusters,
        clusterName: command.cluster,
        actorId: command.actorId,
        actorName: command.actorName,
        action: command.action,
        subjectId: command.subject,
        from: command.from,
        to: command.to,
        beforeSeq: command.beforeSeq,
      },
      command.limit + 1,
    );
    const items = rows.slice(0, command.limit).map(toAuditEventView);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > command.limit && last ? encodeCursor(last.seq) : null };
  }

  /** Recomputes the whole chain up to the current head and reports the first link that does not hold. */
  async verify(caller: Caller): Promise<AuditVerification> {
    assertRole(caller, ['auditor', 'admin']);
    const head = await this.events.head();
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    const broken = (seq: number, eventId: string | null, reason: NonNullable<AuditVerification['firstBroken']>['reason'], message: string): AuditVerification => ({
      ok: false,
      eventsChecked: checked,
      headSeq: head.lastSeq,
      headHash: head.lastHash,
      firstBroken: { seq, eventId, reason, message },
    });
    for (;;) {
      const batch = (await this.events.listChain(expectedSeq - 1, VERIFY_BATCH)).filter((e) => e.seq <= head.lastSeq);
      for (const event of batch) {
        if (event.seq !== expectedSeq) {
          return broken(expectedSeq, null, 'SEQUENCE_GAP', `event ${expectedSeq} is missing (next stored event is ${event.seq})`);
        }
        if (event.prevHash !== prevHash) {
          return broken(event.seq, event.id, 'PREV_HASH_MISMATCH', `event ${event.seq} does not link to the hash of event ${event.seq - 1}`);
        }
        if (auditEventHash(event.prevHash, event) !== event.hash) {
          return broken(event.seq, event.id, 'HASH_MISMATCH', `event ${event.seq} was altered: its content no longer matches its hash`);
        }
        checked++;
        prevHash = event.hash;
        expectedSeq++;
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    if (expectedSeq - 1 !== head.lastSeq || prevHash !== head.lastHash) {
      return broken(expectedSeq, null, 'HEAD_MISMATCH', `the chain ends at event ${expectedSeq - 1} but its head names event ${head.lastSeq}`);
    }
    return { ok: true, eventsChecked: checked, headSeq: head.lastSeq, headHash: head.lastHash, firstBroken: null };
  }
}
