import { AuditEventRepository } from '@palisade/persistence';
import { assertClusterInScope, assertRole, encodeCursor, type Page } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { type AuditEventView, toAuditEventView } from './audit-event.view';
import type { AuditQueryCommand } from './audit-query.command';

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
}
