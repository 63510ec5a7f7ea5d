import type { Role } from '@palisade/shared-types';
import { SetMetadata } from '@nestjs/common';

export const BODY_ACCESS = Symbol('BODY_ACCESS');

/** Which size limit a route's body is read under (see README, "Request limits"). */
export type BodyLimit = 'policySet' | 'inventory';

export interface BodyAccess {
  limit: BodyLimit;
  /** The caller needs one of these roles before its body is read. */
  roles: readonly Role[];
  /** The route parameter naming the cluster, checked against the caller's scope before the body is read. */
  clusterParam?: string;
  /** The route parameter naming a proposal only its author may change, checked before the body is read. */
  proposalAuthorParam?: string;
}

/**
 * For a route taking a large body (policy sets, inventories): the roles and scope the use case will
 * require, decided from the token and the route before a byte of the body is read, so a caller who
 * would be refused never makes the server read, let alone parse, what it sent. The use case still
 * checks everything itself; this only refuses earlier.
 */
export const ReadsBodyAfter = (access: BodyAccess): MethodDecorator => SetMetadata(BODY_ACCESS, access);

/**
 * Who may send a policy set to each route taking one, checked before it is read: by REST before the
 * body (@ReadsBodyAfter), by GraphQL before the set is parsed. The use cases check again.
 */
export const POLICY_SET_ROLES = {
  importVersion: ['admin'],
  createProposal: ['proposer', 'admin'],
  updateProposal: ['admin', 'approver', 'auditor', 'proposer'],
} as const satisfies Record<string, readonly Role[]>;
