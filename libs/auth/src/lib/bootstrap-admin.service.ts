import { AuditRecorder } from '@palisade/audit';
import { ApiTokenRepository, PrincipalRepository, PrismaService } from '@palisade/persistence';
import { systemCaller } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { apiTokenDisplayPrefix, hashApiTokenSecret } from './api-token-secret.util';
import { AuthErrorCode, AuthException } from './auth.exception';
import { principalCreatedEvent } from './principal-created.event';

export const BOOTSTRAP_ADMIN_NAME = 'bootstrap-admin';

export type BootstrapOutcome = 'created' | 'admin-exists' | 'token-already-used';

/** Makes the configured bootstrap token the first admin's, when no admin exists yet. */
@Injectable()
export class BootstrapAdminService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tokens: ApiTokenRepository,
    private readonly principals: PrincipalRepository,
    private readonly audit: AuditRecorder,
  ) {}

  async ensure(secret: string): Promise<BootstrapOutcome> {
    const system = systemCaller('bootstrap').principal.actor;
    return this.prisma.$transaction(async (tx) => {
      await this.tokens.lockBootstrap(tx); // replicas starting together create one admin, not several
      if (await this.tokens.hasActiveAdmin(new Date(), tx)) return 'admin-exists';
      const secretHash = hashApiTokenSecret(secret);
      // A bootstrap token that was revoked stays revoked, even when it is still configured.
      if (await this.tokens.existsBySecretHash(secretHash, tx)) return 'token-already-used';
      // The principal is created here, unscoped and by no one, unless an earlier bootstrap made it.
      const { principal, created } = await this.principals.createIfAbsent({ name: BOOTSTRAP_ADMIN_NAME, kind: 'human', clusters: null, createdById: null }, tx);
      if (principal.kind !== 'human' || principal.clusters !== null) {
        // Never hand the unscoped bootstrap token to a bot or to a principal a scoped admin created.
        throw new AuthException(
          AuthErrorCode.PRINCIPAL_KIND_MISMATCH,
          `principal "${BOOTSTRAP_ADMIN_NAME}" exists as a bot or was created by a scoped admin; it cannot become the bootstrap admin`,
        );
      }
      const token = await this.tokens.create(
        {
          principalId: principal.id,
          roles: ['admin'],
          clusters: null,
          groups: [],
          expiresAt: null,
          secretHash,
          prefix: apiTokenDisplayPrefix(secret),
          createdById: null,
        },
        tx,
      );
      if (created) await this.audit.record(tx, principalCreatedEvent(principal, system));
      await this.audit.record(tx, {
        actor: system,
        action: 'token.created',
        subjectType: 'token',
        subjectId: token.id,
        after: { principal: token.principal.name, principalId: principal.id, kind: 'human', roles: ['admin'], clusters: null, bootstrap: true, existingPrincipal: !created },
      });
      return 'created';
    });
  }
}
