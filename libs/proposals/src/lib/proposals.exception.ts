import { DomainException } from '@palisade/shared-types';

export enum ProposalsErrorCode {
  PROPOSAL_NOT_FOUND = 'PROPOSAL_NOT_FOUND',
  /** The changes leave the base's canonical content as it is; nothing is stored. */
  PROPOSAL_HAS_NO_EFFECT = 'PROPOSAL_HAS_NO_EFFECT',
  /** A delete names a policy the base version does not have. */
  POLICY_NOT_IN_BASE = 'POLICY_NOT_IN_BASE',
  /** The Idempotency-Key was used before for a different request. */
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  /** The proposal is merged, withdrawn, rejected or conflicted: it no longer takes this action. */
  PROPOSAL_CLOSED = 'PROPOSAL_CLOSED',
  /** Merge of a proposal that is not APPROVED (missing approvals or a standing REQUEST_CHANGES). */
  PROPOSAL_NOT_APPROVED = 'PROPOSAL_NOT_APPROVED',
  PROPOSAL_ALREADY_MERGED = 'PROPOSAL_ALREADY_MERGED',
  /** Its changes overlap policies changed by versions merged since its base. */
  PROPOSAL_CONFLICTED = 'PROPOSAL_CONFLICTED',
  /** An author approving their own proposal, whatever their roles. */
  SELF_APPROVAL_FORBIDDEN = 'SELF_APPROVAL_FORBIDDEN',
  APPROVAL_RULE_NOT_FOUND = 'APPROVAL_RULE_NOT_FOUND',
}

export class ProposalsException extends DomainException<ProposalsErrorCode> {
  static notFound(id: string): ProposalsException {
    return new ProposalsException(ProposalsErrorCode.PROPOSAL_NOT_FOUND, `proposal ${id} not found`);
  }
}
