import type { AuditSigningKey } from './audit-signing-key.util';

export const AUDIT_CHECKPOINT_OPTIONS = Symbol('AUDIT_CHECKPOINT_OPTIONS');

export interface AuditCheckpointOptions {
  /** From PALISADE_AUDIT_SIGNING_KEY; null: no checkpoints are signed and verify checks the chain alone. */
  signingKey: AuditSigningKey | null;
  /** How often a checkpoint is signed when the chain moved (AUDIT_CHECKPOINT_INTERVAL_MS); 0: only on demand and at shutdown. */
  intervalMs: number;
}
