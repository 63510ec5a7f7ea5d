import { Injectable } from '@nestjs/common';

import type { ClusterConnectionRecord } from './cluster-connection.record';
import { toClusterConnection } from './cluster-connection.repository';
import type { ClusterSyncStateRecord } from './cluster-sync-state.record';
import { toClusterSyncState } from './cluster-sync-state.repository';
import type { InventorySnapshotSummary } from './inventory-snapshot.record';
import { toInventorySnapshotSummary } from './inventory-snapshot.repository';
import type { PolicySetVersionRecord } from './policy-set-version.record';
import { toPolicySetVersion } from './policy-set-version.repository';
import type { ProposalRecord, ReviewRecord } from './proposal.record';
import { toProposal, toReview } from './proposal.repository';
import type { ProposalAnalysisRecord } from './proposal-analysis.record';
import { toProposalAnalysis } from './proposal-analysis.repository';
import { PrismaService } from './prisma.service';

const withCluster = { cluster: { select: { name: true } } } as const;

/**
 * Reads for many parents at once, a fixed number of statements whatever their count: the
 * relations of the GraphQL graph (Cluster.versions, Proposal.reviews...) batched per request.
 */
@Injectable()
export class GraphReadRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The newest `limit` versions of each cluster, newest first. */
  async newestVersions(clusterIds: readonly string[], limit: number): Promise<PolicySetVersionRecord[]> {
    if (clusterIds.length === 0) return [];
    const ranked = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM (
        SELECT id, row_number() OVER (PARTITION BY cluster_id ORDER BY number DESC) AS rank
        FROM policy_set_versions WHERE cluster_id = ANY(${[...clusterIds]}::uuid[])
      ) ranked WHERE rank <= ${limit}`;
    const rows = await this.prisma.policySetVersion.findMany({ where: { id: { in: ranked.map((r) => r.id) } }, orderBy: [{ clusterId: 'asc' }, { number: 'desc' }] });
    return rows.map(toPolicySetVersion);
  }

  /** The newest `limit` proposals of each cluster (of `statuses` when given), newest first. */
  async newestProposals(clusterIds: readonly string[], limit: number, statuses: readonly string[] | undefined): Promise<ProposalRecord[]> {
    if (clusterIds.length === 0) return [];
    const any = statuses === undefined || statuses.length === 0;
    const ranked = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM (
        SELECT id, row_number() OVER (PARTITION BY cluster_id ORDER BY created_at DESC, id DESC) AS rank
        FROM proposals WHERE cluster_id = ANY(${[...clusterIds]}::uuid[]) AND (${any} OR status::text = ANY(${[...(statuses ?? [])]}::text[]))
      ) ranked WHERE rank <= ${limit}`;
    const rows = await this.prisma.proposal.findMany({
      where: { id: { in: ranked.map((r) => r.id) } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: withCluster,
    });
    return rows.map(toProposal);
  }

  async proposalsByIds(ids: readonly string[]): Promise<ProposalRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.proposal.findMany({ where: { id: { in: [...ids] } }, include: withCluster });
    return rows.map(toProposal);
  }

  /** Reviews of many proposals, oldest first. */
  async reviews(proposalIds: readonly string[]): Promise<ReviewRecord[]> {
    if (proposalIds.length === 0) return [];
    const rows = await this.prisma.review.findMany({ where: { proposalId: { in: [...proposalIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toReview);
  }

  /** The current analyses of many proposals, without their flows. */
  async analyses(proposalIds: readonly string[]): Promise<ProposalAnalysisRecord[]> {
    if (proposalIds.length === 0) return [];
    const rows = await this.prisma.proposalAnalysis.findMany({ where: { proposalId: { in: [...proposalIds] } }, omit: { flowsOpened: true, flowsClosed: true } });
    return rows.map(toProposalAnalysis);
  }

  /** The manifests of many versions, keyed `cluster/number`, each sorted by namespace then name. */
  async manifests(versions: readonly { clusterName: string; number: number }[]): Promise<Map<string, unknown[]>> {
    const byVersion = new Map<string, unknown[]>(versions.map((v) => [`${v.clusterName}/${v.number}`, []]));
    if (versions.length === 0) return byVersion;
    const entries = await this.prisma.policySetEntry.findMany({
      where: { OR: versions.map((v) => ({ version: { number: v.number, cluster: { name: v.clusterName } } })) },
      select: { namespace: true, name: true, policy: { select: { manifest: true } }, version: { select: { number: true, cluster: { select: { name: true } } } } },
      orderBy: [{ namespace: 'asc' }, { name: 'asc' }],
    });
    for (const entry of entries) byVersion.get(`${entry.version.cluster.name}/${entry.version.number}`)?.push(entry.policy.manifest);
    return byVersion;
  }

  async syncStates(clusterIds: readonly string[]): Promise<ClusterSyncStateRecord[]> {
    if (clusterIds.length === 0) return [];
    return (await this.prisma.clusterSyncState.findMany({ where: { clusterId: { in: [...clusterIds] } } })).map(toClusterSyncState);
  }

  async connections(clusterIds: readonly string[]): Promise<ClusterConnectionRecord[]> {
    if (clusterIds.length === 0) return [];
    return (await this.prisma.clusterConnection.findMany({ where: { clusterId: { in: [...clusterIds] } } })).map(toClusterConnection);
  }

  /** The newest inventory snapshot of each cluster that has one, without its namespaces and pods. */
  async latestInventories(clusterIds: readonly string[]): Promise<InventorySnapshotSummary[]> {
    if (clusterIds.length === 0) return [];
    const rows = await this.prisma.inventorySnapshot.findMany({
      where: { clusterId: { in: [...clusterIds] } },
      distinct: ['clusterId'],
      orderBy: [{ clusterId: 'asc' }, { takenAt: 'desc' }, { createdAt: 'desc' }],
      omit: { namespaces: true, pods: true },
    });
    return rows.map(toInventorySnapshotSummary);
  }
}
