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
  /** The cluster or the author already has as many open proposals as PROPOSAL_QUOTA_PER_CLUSTER / _PER_PRINCIPAL allow. */
  PROPOSAL_QUOTA_EXCEEDED = 'PROPOSAL_QUOTA_EXCEEDED',
  /** The proposal has no analysis yet (created before analyses existed and not yet reached by the scheduler). */
  ANALYSIS_NOT_FOUND = 'ANALYSIS_NOT_FOUND',
  /** Approval before the analysis of the current revision is READY. */
  ANALYSIS_PENDING = 'ANALYSIS_PENDING',
  /**
   * Approval or merge while the analysis FAILED (retry it first), or a merge whose analysis against the
   * head or whose connection-history step failed in the engine (nothing stored; send the merge again).
   */
  ANALYSIS_FAILED = 'ANALYSIS_FAILED',
  /** Merge re-analysed the change against the current head and snapshot and found another delta than the approved one. */
  ANALYSIS_CHANGED = 'ANALYSIS_CHANGED',
}

export class ProposalsException extends DomainException<ProposalsErrorCode> {
  static notFound(id: string): ProposalsException {
    return new ProposalsException(ProposalsErrorCode.PROPOSAL_NOT_FOUND, `proposal ${id} not found`);
  }
}
