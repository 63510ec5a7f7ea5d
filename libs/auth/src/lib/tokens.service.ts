import { AuditRecorder } from '@palisade/audit';
import { type ApiTokenRecord, ApiTokenRepository, PrincipalKindMismatchError, PrismaService } from '@palisade/persistence';
import { assertRole, type Caller, CommonErrorCode, DomainException, type Principal } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { apiTokenDisplayPrefix, generateApiTokenSecret, hashApiTokenSecret } from './api-token-secret.util';
import { type ApiTokenView, type CreatedApiTokenView, toApiTokenView } from './api-token.view';
import { AuthErrorCode, AuthException } from './auth.exception';
import type { CreateApiTokenCommand } from './create-api-token.command';

/** True when every cluster `scope` reaches is also reached by `within`. */
function scopeWithin(scope: readonly string[] | null, within: readonly string[] | null): boolean {
  if (within === null) return true;
  return scope !== null && scope.every((name) => within.includes(name));
}

const summary = (token: ApiTokenRecord): Record<string, unknown> => ({
  principal: token.principal.name,
  kind: token.principal.kind,
  roles: token.roles,
  clusters: token.clusters,
  groups: token.groups,
  expiresAt: token.expiresAt,
  revokedAt: token.revokedAt,
});

@Injectable()
export class TokensService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditRecorder,
  ) {}

  /** Admins only, and never wider than their own scope. The secret is returned here and nowhere else. */
  async create(command: CreateApiTokenCommand): Promise<CreatedApiTokenView> {
    assertRole(command.caller, ['admin']);
    if (!scopeWithin(command.clusters, command.caller.principal.clusters)) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'a token cannot reach clusters outside your own scope');
    }
    const secret = generateApiTokenSecret();
    try {
      const token = await this.prisma.$transaction(async (tx) => {
        const created = await this.tokens.create(
          {
            principalName: command.name,
            principalKind: command.kind,
            roles: command.roles,
            clusters: command.clusters,
            groups: command.groups,
            expiresAt: command.expiresAt,
            secretHash: hashApiTokenSecret(secret),
            prefix: apiTokenDisplayPrefix(secret),
            createdById: command.caller.principal.actor.id,
          },
          tx,
        );
        await this.audit.record(tx, {
          actor: command.caller.principal.actor,
          action: 'token.created',
          subjectType: 'token',
          subjectId: created.id,
          after: summary(created),
          request: command.caller.request,
        });
        return created;
      });
      return { ...toApiTokenView(token), secret };
    } catch (error) {
      if (error instanceof PrincipalKindMismatchError) {
        throw new AuthException(
          AuthErrorCode.PRINCIPAL_KIND_MISMATCH,
          `principal "${command.name}" exists and is not a ${command.kind}; a human and a bot never share a name`,
        );
      }
      throw error;
    }
  }

  /** Takes effect on the next request: tokens are looked up on every request. Revoking twice is harmless. */
  async revoke(id: string, caller: Caller): Promise<ApiTokenView> {
    assertRole(caller, ['admin']);
    const revoked = await this.prisma.$transaction(async (tx) => {
      const token = /^[0-9a-f-]{36}$/i.test(id) ? await this.tokens.findById(id, tx) : null;
      if (!token || !scopeWithin(token.clusters, caller.principal.clusters)) {
        throw new AuthException(AuthErrorCode.TOKEN_NOT_FOUND, `token ${id} not found`);
      }
      if (token.revokedAt !== null) return token;
      const updated = await this.tokens.revoke(id, new Date(), tx);
      await this.audit.record(tx, {
        actor: caller.principal.actor,
        action: 'token.revoked',
        subjectType: 'token',
        subjectId: id,
        before: summary(token),
        after: summary(updated),
        request: caller.request,
      });
      return updated;
    });
    return toApiTokenView(revoked);
  }

  /** Tokens (never their secrets), newest first; a scoped admin sees those within its scope. */
  async list(caller: Caller): Promise<ApiTokenView[]> {
    assertRole(caller, ['admin']);
    return (await this.tokens.list()).filter((t) => scopeWithin(t.clusters, caller.principal.clusters)).map(toApiTokenView);
  }

  /** Who the caller is, as the API sees it. */
  whoAmI(caller: Caller): Principal {
    return caller.principal;
  }
}
