import { DomainException } from '@palisade/shared-types';

export enum AuthErrorCode {
  /** No credential, or one no resolver accepts (unknown, malformed, expired or revoked). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  TOKEN_NOT_FOUND = 'TOKEN_NOT_FOUND',
  /** A token asked for a principal name that a principal of the other kind holds. */
  PRINCIPAL_KIND_MISMATCH = 'PRINCIPAL_KIND_MISMATCH',
}

export class AuthException extends DomainException<AuthErrorCode> {}
