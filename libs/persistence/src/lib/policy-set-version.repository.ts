import { Injectable } from '@nestjs/common';

import type { PolicySetVersion } from '../generated/prisma/client';
import type {
  NewPolicySetVersion,
  PolicySetVersionRecord,
  PolicySetVersionWithPolicies,
  StoredPolicy,
} from './policy-set-version.record';
import { PrismaService, type TransactionClient } from './prisma.service';

export function toPolicySetVersion(row: PolicySetVersion): PolicySetVersionRecord {
  return {
    id: row.id,
    clusterId: row.clusterId,
    number: row.number,
    parentNumber: row.parentNumber,
    contentHash: row.contentHash,
    authorId: row.authorId,
    authorName: row.authorName,
    origin: row.origin,
    sourceProposalId: row.sourceProposalId,
    policyCount: row.policyCount,
    createdAt: row.createdAt,
  };
}

@Injectable()
export class PolicySetVersionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends the next version of a cluster and makes it the desired one. The caller must hold the
   * cluster's row lock (ClusterRepository.lockByName) in `tx`, which keeps numbers gap-free.
   */
  async append(version: NewPolicySetVersion, tx: TransactionClient): Promise<PolicySetVersionRecord> {
    const cluster = await tx.cluster.findUniqueOrThrow({ where: { id: version.clusterId } });
    const number = cluster.headVersion + 1;
    // One JSON parameter expanded by PostgreSQL: Prisma's createMany compiles a query per call whose
    // cost grows with the rows, seconds of the event loop for a set of thousands of policies.
    const contents = JSON.stringify(version.policies.map((p) => ({ hash: p.hash, namespace: p.namespace, name: p.name, manifest: p.manifest })));
    await tx.$executeRaw`
      INSERT INTO network_policy_contents (hash, namespace, name, manifest)
      SELECT c.hash, c.namespace, c.name, c.manifest FROM jsonb_to_recordset(${contents}::jsonb) AS c(hash text, namespace text, name text, manifest jsonb)
      ON CONFLICT (hash) DO NOTHING`;
    const row = await tx.policySetVersion.create({
      data: {
        clusterId: version.clusterId,
        number,
        parentNumber: cluster.headVersion === 0 ? null : cluster.headVersion,
        contentHash: version.contentHash,
        authorId: version.authorId,
        authorName: version.authorName,
        origin: version.origin,
        sourceProposalId: version.sourceProposalId ?? null,
        policyCount: version.policies.length,
      },
    });
    const entries = JSON.stringify(version.policies.map((p) => ({ namespace: p.namespace, name: p.name, policy_hash: p.hash })));
    await tx.$executeRaw`
      INSERT INTO policy_set_entries (version_id, namespace, name, policy_hash)
      SELECT ${row.id}::uuid, e.namespace, e.name, e.policy_hash FROM jsonb_to_recordset(${entries}::jsonb) AS e(namespace text, name text, policy_hash text)`;
    await tx.cluster.update({ where: { id: version.clusterId }, data: { headVersion: number, desiredVersion: number } });
    return toPolicySetVersion(row);
  }

  /** Newest first; `before` is an exclusive upper bound on the version number (keyset pagination). */
  async list(clusterId: string, options: { before?: number; limit: number }): Promise<PolicySetVersionRecord[]> {
    const rows = await this.prisma.policySetVersion.findMany({
      where: { clusterId, ...(options.before !== undefined ? { number: { lt: options.before } } : {}) },
      orderBy: { number: 'desc' },
      take: options.limit,
    });
    return rows.map(toPolicySetVersion);
  }

  /** One version without its policies. */
  async find(clusterId: string, number: number, tx: TransactionClient = this.prisma): Promise<PolicySetVersionRecord | null> {
    const row = await tx.policySetVersion.findUnique({ where: { clusterId_number: { clusterId, number } } });
    return row ? toPolicySetVersion(row) : null;
  }

  /** The manifests of just these policies of a version (those it has), sorted by namespace and name. */
  async findPolicies(clusterId: string, number: number, refs: readonly { namespace: string; name: string }[], tx: TransactionClient = this.prisma): Promise<StoredPolicy[]> {
    if (refs.length === 0) return [];
    const rows = await tx.policySetEntry.findMany({
      where: { version: { clusterId, number }, OR: refs.map((r) => ({ namespace: r.namespace, name: r.name })) },
      include: { policy: true },
      orderBy: [{ namespace: 'asc' }, { name: 'asc' }],
    });
    return rows.map((entry) => ({ namespace: entry.namespace, name: entry.name, hash: entry.policyHash, manifest: entry.policy.manifest }));
  }

  async findWithPolicies(
    clusterId: string,
    number: number,
    tx: TransactionClient = this.prisma,
  ): Promise<PolicySetVersionWithPolicies | null> {
    const row = await tx.policySetVersion.findUnique({
      where: { clusterId_number: { clusterId, number } },
      include: { entries: { include: { policy: true }, orderBy: [{ namespace: 'asc' }, { name: 'asc' }] } },
    });
    if (!row) return null;
    const policies: StoredPolicy[] = row.entries.map((entry) => ({
      namespace: entry.namespace,
      name: entry.name,
      hash: entry.policyHash,
      manifest: entry.policy.manifest,
    }));
    return { ...toPolicySetVersion(row), policies };
  }
}
