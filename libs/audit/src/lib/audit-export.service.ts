import { AuditCheckpointRepository, AuditEventRepository } from '@palisade/persistence';
import { assertRole, type Caller } from '@palisade/shared-types';
import { Inject, Injectable } from '@nestjs/common';

import { AUDIT_CHECKPOINT_OPTIONS, type AuditCheckpointOptions } from './audit-checkpoints.options';
import { AUDIT_EXPORT_FORMAT, type AuditExportHeaderLine, toExportCheckpointLine, toExportEventLine } from './audit-export.format';
import { allCheckpoints } from './audit-verify.service';

const EXPORT_BATCH = 1000;

/**
 * `GET /api/v1/audit/export`: the audit trail as JSON Lines, read in batches as the client consumes
 * it. An unscoped caller gets every event up to the head and the signed checkpoints; a scoped one its
 * clusters' events only.
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly checkpoints: AuditCheckpointRepository,
    @Inject(AUDIT_CHECKPOINT_OPTIONS) private readonly options: AuditCheckpointOptions,
  ) {}

  /** Checks the caller at once (so a refusal is an ordinary error response), then yields lines. */
  execute(caller: Caller): AsyncGenerator<string> {
    assertRole(caller, ['auditor', 'admin']);
    return this.lines(caller.principal.clusters);
  }

  private async *lines(scope: readonly string[] | null): AsyncGenerator<string> {
    // Checkpoints before the head: each one signs an event the export then holds.
    const checkpoints = scope === null ? await allCheckpoints(this.checkpoints) : [];
    const head = await this.events.head();
    const header: AuditExportHeaderLine = {
      type: 'export',
      format: AUDIT_EXPORT_FORMAT,
      exportedAt: new Date().toISOString(),
      scope: scope === null ? null : [...scope],
      headSeq: scope === null ? head.lastSeq : null,
      headHash: scope === null ? head.lastHash : null,
      keyId: scope === null ? (this.options.signingKey?.keyId ?? null) : null,
    };
    yield `${JSON.stringify(header)}\n`;
    for (const checkpoint of checkpoints) yield `${JSON.stringify(toExportCheckpointLine(checkpoint))}\n`;
    for (let after = 0; ; ) {
      const batch = await this.events.listChain(after, EXPORT_BATCH, head.lastSeq, scope);
      if (batch.length > 0) yield batch.map((event) => `${JSON.stringify(toExportEventLine(event))}\n`).join('');
      if (batch.length < EXPORT_BATCH) return;
      after = batch.at(-1)?.seq ?? after;
    }
  }
}
