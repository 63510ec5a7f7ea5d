import { CommonErrorCode, DomainException } from './domain.exception';
import type { Caller, Principal, Role } from './principal.type';

export function hasRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

export function isClusterInScope(principal: Principal, clusterName: string): boolean {
  return principal.clusters === null || principal.clusters.includes(clusterName);
}

/**
 * Whether every role of the principal is `reporter`: such a principal (an agent or CI job) may
 * upload inventories and nothing else, reads included.
 */
export function isReporterOnly(principal: Principal): boolean {
  return principal.roles.length > 0 && principal.roles.every((role) => role === 'reporter');
}

/** @throws DomainException FORBIDDEN unless the caller holds one of `roles`. */
export function assertRole(caller: Caller, roles: readonly Role[]): void {
  if (!hasRole(caller.principal, roles)) {
    throw new DomainException(CommonErrorCode.FORBIDDEN, `this operation needs one of the roles: ${roles.join(', ')}`);
  }
}

/**
 * @throws DomainException FORBIDDEN when the cluster is outside the caller's scope. Decided on the
 * name alone, before any lookup, so the answer is the same whether or not such a cluster exists.
 */
export function assertClusterInScope(caller: Caller, clusterName: string): void {
  if (!isClusterInScope(caller.principal, clusterName)) {
    throw new DomainException(CommonErrorCode.FORBIDDEN, `cluster "${clusterName}" is outside your scope`);
  }
}
