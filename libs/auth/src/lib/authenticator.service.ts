import type { Principal } from '@palisade/shared-types';
import { Inject, Injectable } from '@nestjs/common';

import { AuthErrorCode, AuthException } from './auth.exception';
import { PRINCIPAL_RESOLVERS, type PrincipalResolver } from './principal-resolver';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Authenticates an `Authorization` header with the first resolver that accepts its credential. */
@Injectable()
export class Authenticator {
  constructor(@Inject(PRINCIPAL_RESOLVERS) private readonly resolvers: PrincipalResolver[]) {}

  /** @throws AuthException UNAUTHENTICATED when the header is missing or no resolver accepts it. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const credential = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (credential === undefined) {
      throw new AuthException(AuthErrorCode.UNAUTHENTICATED, 'authentication required: send Authorization: Bearer <token>');
    }
    for (const resolver of this.resolvers) {
      const principal = await resolver.resolve(credential);
      if (principal) return principal;
    }
    throw new AuthException(AuthErrorCode.UNAUTHENTICATED, 'the bearer token is invalid, expired or revoked');
  }
}
