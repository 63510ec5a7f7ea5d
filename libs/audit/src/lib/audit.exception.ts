import { DomainException } from '@palisade/shared-types';

export enum AuditErrorCode {
  /** Checkpoints need PALISADE_AUDIT_SIGNING_KEY, which this API was started without. */
  AUDIT_SIGNING_KEY_MISSING = 'AUDIT_SIGNING_KEY_MISSING',
}

export class AuditException extends DomainException<AuditErrorCode> {
  static signingKeyMissing(): AuditException {
    return new AuditException(
      AuditErrorCode.AUDIT_SIGNING_KEY_MISSING,
      'the API runs without PALISADE_AUDIT_SIGNING_KEY, so it signs no audit checkpoints (README, "Audit trail")',
    );
  }
}
