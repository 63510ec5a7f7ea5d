import { AuditRecorder } from '@palisade/audit';
import { type ApiTokenRecord, ApiTokenRepository, type PrincipalRecord, PrincipalRepository, PrismaService, type TransactionClient } from '@palisade/persistence';
import { assertRole, type Caller, CommonErrorCode, DomainException, type Principal } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { apiTokenDisplayPrefix, generateApiTokenSecret, hashApiTokenSecret } from './api-token-secret.util';
import { type ApiTokenView, type CreatedApiTokenView, toApiTokenView } from './api-token.view';
import { AuthErrorCode, AuthException } from './auth.exception';
import type { CreateApiTokenCommand } from './create-api-token.command';
import { principalCreatedEvent } from './principal-created.event';
import { scopeWithin } from './scope-within.util';

/** `clusters` is what makes the event visible to the auditors of those clusters (of every cluster when null). */
const summary = (token: ApiTokenRecord): Record<string, unknown> => ({
  principal: token.principal.name,
  principalId: token.principal.id,
  kind: token.principal.kind,
  roles: token.roles,
  clusters: token.clusters,
  groups: token.groups,
  expiresAt: token.expiresAt,
  revokedAt: token.revokedAt,
});

/**
 * What a scoped admin may manage: principals it created itself, within its scope. Anything else
 * (an existing principal someone else created, the bootstrap admin) needs an unscoped admin.
 */
function ownedByScopedAdmin(principal: PrincipalRecord, caller: Caller): boolean {
  return principal.createdBy?.id === caller.principal.actor.id && principal.clusters !== null && scopeWithin(principal.clusters, caller.principal.clusters);
}

@Injectable()
export class TokensService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tokens: ApiTokenRepository,
    private readonly principals: PrincipalRepository,
    private readonly audit: AuditRecorder,
  ) {}

  /**
   * Admins only, and never wider than their own scope. An unscoped admin issues tokens for any
   * principal (creating it when the name is new) and grants approver groups. A scoped admin never
   * grants groups, and issues tokens only for a new name (the principal is then created within its
   * scope) or for a principal it created so. The secret is returned here and nowhere else.
   */
  async create(command: CreateApiTokenCommand): Promise<CreatedApiTokenView> {
    const caller = command.caller;
    assertRole(caller, ['admin']);
    const callerScope = caller.principal.clusters;
    if (!scopeWithin(command.clusters, callerScope)) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'a token cannot reach clusters outside your own scope');
    }
    const secret = generateApiTokenSecret();
    const actor = caller.principal.actor;
    const outcome = await this.prisma.$transaction(async (tx): Promise<ApiTokenRecord | AuthException> => {
      if (callerScope !== null && command.groups.length > 0) {
        const refusal = new AuthException(AuthErrorCode.APPROVER_GROUPS_FORBIDDEN, 'only an admin whose scope is every cluster grants approver groups');
        await this.recordRefusal(command, await this.principals.findByName(command.name, tx), refusal, tx);
        return refusal;
      }
      const { principal, created } = await this.principals.createIfAbsent(
        { name: command.name, kind: command.kind, clusters: callerScope === null ? null : [...callerScope], createdById: actor.id },
        tx,
      );
      if (principal.kind !== command.kind) {
        throw new AuthException(
          AuthErrorCode.PRINCIPAL_KIND_MISMATCH,
          `principal "${command.name}" exists and is not a ${command.kind}; a human and a bot never share a name`,
        );
      }
      if (!created && callerScope !== null && !ownedByScopedAdmin(principal, caller)) {
        const refusal = new AuthException(
          AuthErrorCode.PRINCIPAL_NOT_OWNED,
          `principal "${command.name}" exists and was not created by you within your scope; only an admin whose scope is every cluster issues it a token`,
        );
        await this.recordRefusal(command, principal, refusal, tx);
        return refusal;
      }
      // An unscoped admin's token takes a principal a scoped admin created out of that admin's hands,
      // and revokes the tokens issued for it so far: a name squatted inside one cluster cannot keep
      // acting beside a token issued to the real person.
      const unconfined = !created && callerScope === null && principal.clusters !== null ? await this.principals.unconfine(principal.id, tx) : null;
      const revokedOnTakeover = unconfined ? await this.tokens.revokeAllOfPrincipal(principal.id, new Date(), tx) : [];
      const issued = await this.tokens.create(
        {
          principalId: principal.id,
          roles: command.roles,
          clusters: command.clusters,
          groups: command.groups,
          expiresAt: command.expiresAt,
          secretHash: hashApiTokenSecret(secret),
          prefix: apiTokenDisplayPrefix(secret),
          createdById: actor.id,
        },
        tx,
      );
      if (created) await this.audit.record(tx, principalCreatedEvent(principal, actor, caller.request));
      if (unconfined) {
        await this.audit.record(tx, {
          actor,
          action: 'principal.unconfined',
          subjectType: 'principal',
          subjectId: principal.id,
          before: { name: principal.name, clusters: principal.clusters, createdBy: principal.createdBy },
          after: { name: unconfined.name, clusters: null, createdBy: unconfined.createdBy },
          request: caller.request,
        });
        for (const revoked of revokedOnTakeover) {
          await this.audit.record(tx, {
            actor,
            action: 'token.revoked',
            subjectType: 'token',
            subjectId: revoked.id,
            before: { ...summary(revoked), revokedAt: null },
            after: { ...summary(revoked), reason: 'principal.unconfined' },
            request: caller.request,
          });
        }
      }
      await this.audit.record(tx, {
        actor,
        action: 'token.created',
        subjectType: 'token',
        subjectId: issued.id,
        // `existingPrincipal`: this token was issued to a principal that had one before, by `issuer`.
        after: { ...summary(issued), issuer: { id: actor.id, name: actor.name }, existingPrincipal: !created },
        request: caller.request,
      });
      return issued;
    });
    if (outcome instanceof AuthException) throw outcome;
    return { ...toApiTokenView(outcome), secret };
  }

  /**
   * A refused token is committed as an event and nothing else: the attempt belongs in the trail.
   * The subject is the principal asked for (its name when no principal has it); `clusters` is the
   * scope the token would have had, so the auditors of those clusters see the attempt.
   */
  private async recordRefusal(command: CreateApiTokenCommand, principal: PrincipalRecord | null, refusal: AuthException, tx: TransactionClient): Promise<void> {
    const actor = command.caller.principal.actor;
    await this.audit.record(tx, {
      actor,
      action: 'token.refused',
      subjectType: 'principal',
      subjectId: principal?.id ?? command.name,
      after: {
        principal: command.name,
        kind: command.kind,
        roles: command.roles,
        clusters: command.clusters,
        groups: command.groups,
        issuer: { id: actor.id, name: actor.name },
        reason: refusal.code,
      },
      request: command.caller.request,
    });
  }

  /** Takes effect on the next request: tokens are looked up on every request. Revoking twice is harmless. */
  async revoke(id: string, caller: Caller): Promise<ApiTokenView> {
    assertRole(caller, ['admin']);
    const outcome = await this.prisma.$transaction(async (tx): Promise<ApiTokenRecord | AuthException> => {
      const token = /^[0-9a-f-]{36}$/i.test(id) ? await this.tokens.findById(id, tx) : null;
      if (!token || !scopeWithin(token.clusters, caller.principal.clusters)) {
        throw new AuthException(AuthErrorCode.TOKEN_NOT_FOUND, `token ${id} not found`);
      }
      // A scoped admin revokes its own tokens and those of principals it created; nobody else's.
      const own = token.principal.id === caller.principal.actor.id;
      if (caller.principal.clusters !== null && !own && !ownedByScopedAdmin(token.principal, caller)) {
        const refusal = new AuthException(
          AuthErrorCode.PRINCIPAL_NOT_OWNED,
          `token ${id} belongs to principal "${token.principal.name}", which you did not create; only an admin whose scope is every cluster revokes it`,
        );
        // Committed although the request fails, like a refused token.
        await this.audit.record(tx, {
          actor: caller.principal.actor,
          action: 'token.revocation_refused',
          subjectType: 'token',
          subjectId: id,
          after: { ...summary(token), reason: refusal.code },
          request: caller.request,
        });
        return refusal;
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
    if (outcome instanceof AuthException) throw outcome;
    return toApiTokenView(outcome);
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
