import { AuditCheckpointRepository } from '@palisade/persistence';
import { assertRole, type Caller, CommonErrorCode, DomainException } from '@palisade/shared-types';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { type AuditCheckpoint, signAuditCheckpoint } from './audit-checkpoint.util';
import { AUDIT_CHECKPOINT_OPTIONS, type AuditCheckpointOptions } from './audit-checkpoints.options';
import { AuditException } from './audit.exception';

export interface AuditPublicKeyView {
  algorithm: 'Ed25519';
  /** SPKI PEM: `palisade audit verify --public-key FILE` reads it. */
  publicKey: string;
  keyId: string;
}

export interface AuditCheckpointPage extends AuditPublicKeyView {
  items: AuditCheckpoint[];
  nextCursor: number | null;
}

/** Checkpoints sign the whole chain's head: a caller scoped to some clusters may not see them. */
function assertUnscopedAuditor(caller: Caller): void {
  assertRole(caller, ['auditor', 'admin']);
  if (caller.principal.clusters !== null) {
    throw new DomainException(CommonErrorCode.FORBIDDEN, 'audit checkpoints sign the whole chain: only an auditor or admin of every cluster may read them');
  }
}

/**
 * Signs checkpoints of the audit chain ({seq, hash, time}) with the Ed25519 key of
 * PALISADE_AUDIT_SIGNING_KEY, stores them (append-only, numbered without gaps) and logs each one, so
 * a copy of the chain head lives outside the database too.
 */
@Injectable()
export class AuditCheckpointService {
  private readonly logger = new Logger('AuditCheckpoint');

  constructor(
    private readonly checkpoints: AuditCheckpointRepository,
    @Inject(AUDIT_CHECKPOINT_OPTIONS) private readonly options: AuditCheckpointOptions,
  ) {}

  get enabled(): boolean {
    return this.options.signingKey !== null;
  }

  /** Signs a checkpoint of the current head unless the newest one already names it; returns the newest. */
  async writeCheckpoint(): Promise<{ checkpoint: AuditCheckpoint | null; created: boolean }> {
    const key = this.options.signingKey;
    if (!key) throw AuditException.signingKeyMissing();
    let latest: AuditCheckpoint | null = null;
    const created = await this.checkpoints.appendNext((newest, head) => {
      latest = newest;
      if (head.lastSeq === 0 || (newest && newest.seq === head.lastSeq)) return null;
      const time = new Date();
      return signAuditCheckpoint({ number: (newest?.number ?? 0) + 1, seq: head.lastSeq, hash: head.lastHash, time }, key.privateKey, key.publicKey);
    });
    if (created) {
      this.logger.log(`audit checkpoint ${JSON.stringify({ number: created.number, seq: created.seq, hash: created.hash, time: created.time.toISOString(), keyId: created.keyId, signature: created.signature })}`);
    }
    return { checkpoint: created ?? latest, created: created !== null };
  }

  /** `POST /api/v1/audit/checkpoints`: an unscoped admin signs one now (before an export, a backup). */
  async checkpointNow(caller: Caller): Promise<{ checkpoint: AuditCheckpoint | null; created: boolean }> {
    assertRole(caller, ['admin']);
    if (caller.principal.clusters !== null) throw new DomainException(CommonErrorCode.FORBIDDEN, 'only an admin of every cluster may sign an audit checkpoint');
    return this.writeCheckpoint();
  }

  publicKey(caller: Caller): AuditPublicKeyView {
    assertRole(caller, ['auditor', 'admin']);
    const key = this.options.signingKey;
    if (!key) throw AuditException.signingKeyMissing();
    return { algorithm: 'Ed25519', publicKey: key.publicKeyPem, keyId: key.keyId };
  }

  /** Oldest first, after checkpoint number `after`; with the public key that verifies them. */
  async list(caller: Caller, after: number, limit: number): Promise<AuditCheckpointPage> {
    assertUnscopedAuditor(caller);
    const key = this.publicKey(caller);
    const rows = await this.checkpoints.list(after, limit + 1);
    const items = rows.slice(0, limit);
    return { ...key, items, nextCursor: rows.length > limit ? (items.at(-1)?.number ?? null) : null };
  }
}
