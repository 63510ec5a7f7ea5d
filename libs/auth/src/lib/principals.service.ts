import { AuditRecorder } from '@palisade/audit';
import { PrincipalRepository, PrismaService } from '@palisade/persistence';
import { assertRole, type Caller } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { AuthErrorCode, AuthException } from './auth.exception';
import type { CreatePrincipalCommand } from './create-principal.command';
import { principalCreatedEvent } from './principal-created.event';
import { type PrincipalView, toPrincipalView } from './principal.view';
import { scopeWithin } from './scope-within.util';

/** Principals are created once, by an unscoped admin (or, within its scope, by a scoped admin's first token for a new name). */
@Injectable()
export class PrincipalsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly principals: PrincipalRepository,
    private readonly audit: AuditRecorder,
  ) {}

  async create(command: CreatePrincipalCommand): Promise<PrincipalView> {
    assertRole(command.caller, ['admin']);
    const actor = command.caller.principal.actor;
    const callerScope = command.caller.principal.clusters;
    if (callerScope !== null) {
      const refusal = new AuthException(AuthErrorCode.PRINCIPAL_CREATION_FORBIDDEN, 'only an admin whose scope is every cluster creates principals');
      // The attempt is committed as an event and nothing else; `clusters` shows it to the auditors of the caller's clusters.
      await this.prisma.$transaction(async (tx) => {
        const existing = await this.principals.findByName(command.name, tx);
        await this.audit.record(tx, {
          actor,
          action: 'principal.refused',
          subjectType: 'principal',
          subjectId: existing?.id ?? command.name,
          after: { name: command.name, kind: command.kind, clusters: [...callerScope], reason: refusal.code },
          request: command.caller.request,
        });
      });
      throw refusal;
    }
    const principal = await this.prisma.$transaction(async (tx) => {
      const outcome = await this.principals.createIfAbsent({ name: command.name, kind: command.kind, clusters: null, createdById: actor.id }, tx);
      if (!outcome.created) {
        throw new AuthException(AuthErrorCode.PRINCIPAL_ALREADY_EXISTS, `principal "${command.name}" already exists; issue it a token instead`);
      }
      await this.audit.record(tx, principalCreatedEvent(outcome.principal, actor, command.caller.request));
      return outcome.principal;
    });
    return toPrincipalView(principal);
  }

  /** Admins, oldest first; a scoped admin sees the principals created within its scope. */
  async list(caller: Caller): Promise<PrincipalView[]> {
    assertRole(caller, ['admin']);
    return (await this.principals.list()).filter((p) => scopeWithin(p.clusters, caller.principal.clusters)).map(toPrincipalView);
  }
}
