import { AuditRecorder } from '@palisade/audit';
import { ApiTokenRepository, PrismaService } from '@palisade/persistence';
import { systemCaller } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { apiTokenDisplayPrefix, hashApiTokenSecret } from './api-token-secret.util';

export const BOOTSTRAP_ADMIN_NAME = 'bootstrap-admin';

export type BootstrapOutcome = 'created' | 'admin-exists' | 'token-already-used';

/** Makes the configured bootstrap token the first admin's, when no admin exists yet. */
@Injectable()
export class BootstrapAdminService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tokens: ApiTokenRepository,
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
      const token = await this.tokens.create(
        {
          principalName: BOOTSTRAP_ADMIN_NAME,
          principalKind: 'human',
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
      await this.audit.record(tx, {
        actor: system,
        action: 'token.created',
        subjectType: 'token',
        subjectId: token.id,
        after: { principal: token.principal.name, kind: 'human', roles: ['admin'], clusters: null, bootstrap: true },
      });
      return 'created';
    });
  }
}
