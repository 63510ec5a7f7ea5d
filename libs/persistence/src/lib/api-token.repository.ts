import type { Role } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import type { ApiToken, Principal, Role as RoleRow } from '../generated/prisma/client';
import type { ApiTokenRecord, NewApiToken, PrincipalRecord } from './api-token.record';
import { PrismaService, type TransactionClient } from './prisma.service';

/** The name is taken by a principal of the other kind (a human and a bot never share a name). */
export class PrincipalKindMismatchError extends Error {
  constructor(readonly principalName: string) {
    super(`principal ${principalName} exists with another kind`);
  }
}

const toRole = (row: RoleRow): Role => row.toLowerCase() as Role;
const fromRole = (role: Role): RoleRow => role.toUpperCase() as RoleRow;

export function toPrincipal(row: Principal): PrincipalRecord {
  return { id: row.id, name: row.name, kind: row.kind === 'BOT' ? 'bot' : 'human', createdAt: row.createdAt };
}

export function toApiToken(row: ApiToken & { principal: Principal }): ApiTokenRecord {
  return {
    id: row.id,
    principal: toPrincipal(row.principal),
    prefix: row.prefix,
    roles: row.roles.map(toRole),
    clusters: row.allClusters ? null : row.clusters,
    groups: row.groups,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    createdById: row.createdById,
    createdAt: row.createdAt,
  };
}

@Injectable()
export class ApiTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the token, and its principal when no principal has that name yet. */
  async create(token: NewApiToken, tx: TransactionClient): Promise<ApiTokenRecord> {
    const kind = token.principalKind === 'bot' ? 'BOT' : 'HUMAN';
    await tx.principal.createMany({ data: [{ name: token.principalName, kind }], skipDuplicates: true });
    const principal = await tx.principal.findUniqueOrThrow({ where: { name: token.principalName } });
    if (principal.kind !== kind) throw new PrincipalKindMismatchError(token.principalName);
    const row = await tx.apiToken.create({
      data: {
        principalId: principal.id,
        prefix: token.prefix,
        secretHash: token.secretHash,
        roles: token.roles.map(fromRole),
        allClusters: token.clusters === null,
        clusters: token.clusters ?? [],
        groups: token.groups,
        expiresAt: token.expiresAt,
        createdById: token.createdById,
      },
      include: { principal: true },
    });
    return toApiToken(row);
  }

  async findBySecretHash(secretHash: string): Promise<ApiTokenRecord | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { secretHash }, include: { principal: true } });
    return row ? toApiToken(row) : null;
  }

  async existsBySecretHash(secretHash: string, tx: TransactionClient = this.prisma): Promise<boolean> {
    return (await tx.apiToken.count({ where: { secretHash } })) > 0;
  }

  async findById(id: string, tx: TransactionClient = this.prisma): Promise<ApiTokenRecord | null> {
    const row = await tx.apiToken.findUnique({ where: { id }, include: { principal: true } });
    return row ? toApiToken(row) : null;
  }

  /** Marks the token revoked (once: a revoked token keeps its first revocation time). */
  async revoke(id: string, at: Date, tx: TransactionClient): Promise<ApiTokenRecord> {
    await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return toApiToken(await tx.apiToken.findUniqueOrThrow({ where: { id }, include: { principal: true } }));
  }

  /** Newest first. */
  async list(): Promise<ApiTokenRecord[]> {
    const rows = await this.prisma.apiToken.findMany({ include: { principal: true }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return rows.map(toApiToken);
  }

  /** True when a usable admin token for every cluster exists (not revoked, not expired). */
  async hasActiveAdmin(now: Date, tx: TransactionClient = this.prisma): Promise<boolean> {
    const count = await tx.apiToken.count({
      where: { roles: { has: 'ADMIN' }, allClusters: true, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    });
    return count > 0;
  }

  /** Serialises bootstrap across API replicas starting at once. */
  async lockBootstrap(tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('palisade.bootstrap-admin'))`;
  }
}
