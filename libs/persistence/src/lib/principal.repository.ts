import { Injectable } from '@nestjs/common';

import type { Principal } from '../generated/prisma/client';
import type { NewPrincipal, PrincipalRecord } from './principal.record';
import { PrismaService, type TransactionClient } from './prisma.service';

type PrincipalRow = Principal & { createdBy: Pick<Principal, 'id' | 'name'> | null };

const withCreator = { createdBy: { select: { id: true, name: true } } } as const;

export function toPrincipal(row: PrincipalRow): PrincipalRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === 'BOT' ? 'bot' : 'human',
    clusters: row.allClusters ? null : row.clusters,
    createdBy: row.createdBy ? { id: row.createdBy.id, name: row.createdBy.name } : null,
    createdAt: row.createdAt,
  };
}

@Injectable()
export class PrincipalRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates the principal unless one of that name exists (also when another transaction creates it
   * concurrently). `created` tells which happened; the existing principal is returned unchanged.
   */
  async createIfAbsent(principal: NewPrincipal, tx: TransactionClient): Promise<{ principal: PrincipalRecord; created: boolean }> {
    const { count } = await tx.principal.createMany({
      data: [
        {
          name: principal.name,
          kind: principal.kind === 'bot' ? 'BOT' : 'HUMAN',
          allClusters: principal.clusters === null,
          clusters: principal.clusters ?? [],
          createdById: principal.createdById,
        },
      ],
      skipDuplicates: true,
    });
    const row = await tx.principal.findUniqueOrThrow({ where: { name: principal.name }, include: withCreator });
    return { principal: toPrincipal(row), created: count === 1 };
  }

  /** Lifts the principal out of the scope it was created in (an unscoped admin took it over); its creator stays recorded. */
  async unconfine(id: string, tx: TransactionClient): Promise<PrincipalRecord> {
    const row = await tx.principal.update({ where: { id }, data: { allClusters: true, clusters: [] }, include: withCreator });
    return toPrincipal(row);
  }

  async findByName(name: string, tx: TransactionClient = this.prisma): Promise<PrincipalRecord | null> {
    const row = await tx.principal.findUnique({ where: { name }, include: withCreator });
    return row ? toPrincipal(row) : null;
  }

  async findById(id: string, tx: TransactionClient = this.prisma): Promise<PrincipalRecord | null> {
    const row = await tx.principal.findUnique({ where: { id }, include: withCreator });
    return row ? toPrincipal(row) : null;
  }

  /** Oldest first, by name within a creation instant. */
  async list(): Promise<PrincipalRecord[]> {
    const rows = await this.prisma.principal.findMany({ include: withCreator, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] });
    return rows.map(toPrincipal);
  }
}
