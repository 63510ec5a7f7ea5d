import { ApiTokenRepository } from '@palisade/persistence';
import type { Principal } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { API_TOKEN_PREFIX, hashApiTokenSecret } from './api-token-secret.util';
import type { PrincipalResolver } from './principal-resolver';

/** Resolves `pal_…` API tokens; looked up on every request, so a revocation takes effect at once. */
@Injectable()
export class TokenPrincipalResolver implements PrincipalResolver {
  constructor(private readonly tokens: ApiTokenRepository) {}

  async resolve(credential: string): Promise<Principal | null> {
    if (!credential.startsWith(API_TOKEN_PREFIX)) return null;
    const token = await this.tokens.findBySecretHash(hashApiTokenSecret(credential));
    if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt.getTime() <= Date.now())) return null;
    return {
      actor: { id: token.principal.id, name: token.principal.name, kind: token.principal.kind },
      roles: token.roles,
      clusters: token.clusters,
      groups: token.groups,
    };
  }
}
