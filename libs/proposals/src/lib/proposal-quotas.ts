/** Bounds on open proposals (OPEN, CHANGES_REQUESTED, APPROVED or CONFLICTED); 0 means no bound. */
export interface ProposalQuotas {
  perCluster: number;
  perPrincipal: number;
}

export const PROPOSAL_QUOTAS = Symbol('PROPOSAL_QUOTAS');

export const DEFAULT_PROPOSAL_QUOTAS: ProposalQuotas = { perCluster: 1_000, perPrincipal: 200 };
