import type { Role } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import type { ApiToken, Principal, Role as RoleRow } from '../generated/prisma/client';
import type { ApiTokenRecord, NewApiToken } from './api-token.record';
import { toPrincipal } from './principal.repository';
import { PrismaService, type TransactionClient } from './prisma.service';

const toRole = (row: RoleRow): Role => row.toLowerCase() as Role;
const fromRole = (role: Role): RoleRow => role.toUpperCase() as RoleRow;

type TokenRow = ApiToken & { principal: Principal & { createdBy: Pick<Principal, 'id' | 'name'> | null } };

const withPrincipal = { principal: { include: { createdBy: { select: { id: true, name: true } } } } } as const;

export function toApiToken(row: TokenRow): ApiTokenRecord {
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

  /** Creates a token of an existing principal. */
  async create(token: NewApiToken, tx: TransactionClient): Promise<ApiTokenRecord> {
    const row = await tx.apiToken.create({
      data: {
        principalId: token.principalId,
        prefix: token.prefix,
        secretHash: token.secretHash,
        roles: token.roles.map(fromRole),
        allClusters: token.clusters === null,
        clusters: token.clusters ?? [],
        groups: token.groups,
        expiresAt: token.expiresAt,
        createdById: token.createdById,
      },
      include: withPrincipal,
    });
    return toApiToken(row);
  }

  async findBySecretHash(secretHash: string): Promise<ApiTokenRecord | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { secretHash }, include: withPrincipal });
    return row ? toApiToken(row) : null;
  }

  async existsBySecretHash(secretHash: string, tx: TransactionClient = this.prisma): Promise<boolean> {
    return (await tx.apiToken.count({ where: { secretHash } })) > 0;
  }

  async findById(id: string, tx: TransactionClient = this.prisma): Promise<ApiTokenRecord | null> {
    const row = await tx.apiToken.findUnique({ where: { id }, include: withPrincipal });
    return row ? toApiToken(row) : null;
  }

  /** Marks the token revoked (once: a revoked token keeps its first revocation time). */
  async revoke(id: string, at: Date, tx: TransactionClient): Promise<ApiTokenRecord> {
    await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return toApiToken(await tx.apiToken.findUniqueOrThrow({ where: { id }, include: withPrincipal }));
  }

  /** Revokes every token of the principal that is not revoked yet, and returns those (as revoked). */
  async revokeAllOfPrincipal(principalId: string, at: Date, tx: TransactionClient): Promise<ApiTokenRecord[]> {
    const active = await tx.apiToken.findMany({ where: { principalId, revokedAt: null }, select: { id: true }, orderBy: { createdAt: 'asc' } });
    await tx.apiToken.updateMany({ where: { id: { in: active.map((t) => t.id) } }, data: { revokedAt: at } });
    const rows = await tx.apiToken.findMany({ where: { id: { in: active.map((t) => t.id) } }, include: withPrincipal, orderBy: { createdAt: 'asc' } });
    return rows.map(toApiToken);
  }

  /** Newest first. */
  async list(): Promise<ApiTokenRecord[]> {
    const rows = await this.prisma.apiToken.findMany({ include: withPrincipal, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
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
