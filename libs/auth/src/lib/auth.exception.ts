import { DomainException } from '@palisade/shared-types';

export enum AuthErrorCode {
  /** No credential, or one no resolver accepts (unknown, malformed, expired or revoked). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  TOKEN_NOT_FOUND = 'TOKEN_NOT_FOUND',
  /** A token asked for a principal name that a principal of the other kind holds. */
  PRINCIPAL_KIND_MISMATCH = 'PRINCIPAL_KIND_MISMATCH',
  /** A principal of that name exists already (principals are created once). */
  PRINCIPAL_ALREADY_EXISTS = 'PRINCIPAL_ALREADY_EXISTS',
  /** Creating a principal directly needs an admin whose scope is every cluster. */
  PRINCIPAL_CREATION_FORBIDDEN = 'PRINCIPAL_CREATION_FORBIDDEN',
  /** Approver groups are granted only by an admin whose scope is every cluster. */
  APPROVER_GROUPS_FORBIDDEN = 'APPROVER_GROUPS_FORBIDDEN',
  /** A scoped admin issued (or revoked) a token of a principal it did not create inside its scope. */
  PRINCIPAL_NOT_OWNED = 'PRINCIPAL_NOT_OWNED',
}

export class AuthException extends DomainException<AuthErrorCode> {}
