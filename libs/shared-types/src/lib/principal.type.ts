import type { Actor, RequestMeta } from './actor.type';

/** `reporter`: agents and CI jobs that only upload inventories, and may do nothing else (not even read). */
export const ROLES = ['admin', 'approver', 'proposer', 'auditor', 'reporter'] as const;
export type Role = (typeof ROLES)[number];

/**
 * An authenticated caller as the use cases see it, whatever authenticated it (an API token today,
 * an OIDC/JWT resolver later): who it is, its roles, its cluster scope and its approver groups.
 */
export interface Principal {
  actor: Actor;
  roles: readonly Role[];
  /** Names of the clusters it may see and act on; null means every cluster. */
  clusters: readonly string[] | null;
  /** Approver groups that approval rules can require (e.g. `security`). */
  groups: readonly string[];
}

/** The principal behind a use case call, plus where the request came from (for the audit trail). */
export interface Caller {
  principal: Principal;
  request?: RequestMeta;
}

/** A Palisade process (sync worker, bootstrap) acting on its own: every role, every cluster. */
export function systemCaller(name: string): Caller {
  return { principal: { actor: { id: null, name, kind: 'system' }, roles: [...ROLES], clusters: null, groups: [] } };
}
