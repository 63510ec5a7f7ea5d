import type { ProposalRecord } from '@palisade/persistence';
import { type Caller, CommonErrorCode, DomainException, isClusterInScope } from '@palisade/shared-types';

import { ProposalsException } from './proposals.exception';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The proposal if the caller may see it. One outside the caller's scope answers exactly like one
 * that does not exist, so ids never reveal other clusters' proposals.
 */
export function visibleOrNotFound(id: string, proposal: ProposalRecord | null, caller: Caller): ProposalRecord {
  if (!proposal || !isClusterInScope(caller.principal, proposal.clusterName)) throw ProposalsException.notFound(id);
  return proposal;
}

export function isAuthor(proposal: ProposalRecord, caller: Caller): boolean {
  const actor = caller.principal.actor;
  return proposal.author.id !== null && actor.id !== null ? proposal.author.id === actor.id : proposal.author.name === actor.name && proposal.author.kind === actor.kind;
}

export function assertAuthor(proposal: ProposalRecord, caller: Caller, action: string): void {
  if (!isAuthor(proposal, caller)) throw new DomainException(CommonErrorCode.FORBIDDEN, `only the author of a proposal may ${action} it`);
}

/** For a row that vanished between lookup and lock (proposals and clusters are never deleted). */
export function gone(what: string): never {
  throw ProposalsException.notFound(what);
}
