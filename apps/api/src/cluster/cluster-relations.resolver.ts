import { toPolicyVersionSummary } from '@palisade/policy-versions';
import { ConnectionCredentialsStore, toConnectionView, toInventorySummaryView, toSyncStatusView } from '@palisade/policy-sync';
import { toProposalSummaryView } from '@palisade/proposals';
import { type ClusterRecord } from '@palisade/persistence';
import { encodeCursor } from '@palisade/shared-types';
import { Args, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { PositiveIntPipe } from '../common/positive-int.pipe';
import { CurrentGraphqlRequest, GraphLoaders, type GraphqlRequest, type ParentOf, type RequestLoaders } from '../graphql/graph-loaders';
import { pagedCost, QUERY_COST } from '../graphql/query-cost.util';
import { InventorySnapshotSummaryModel, toInventorySnapshotSummaryModel } from '../inventory/inventory.model';
import { PolicyVersionPageModel, toPolicyVersionSummaryModel } from '../policy-version/policy-version.model';
import { ProposalPageModel, ProposalStatus, toProposalSummaryModel } from '../proposal/proposal.model';
import { ConnectionModel, SyncStatusModel, toConnectionModel, toSyncStatusModel } from '../sync/sync.model';
import { ClusterModel } from './cluster.model';

/**
 * The relations of a cluster, each batched per request (DataLoader): a query over many clusters
 * costs a fixed number of SQL statements. Further pages: the root `versions` and `proposals`
 * queries with `after`.
 */
@Resolver(() => ClusterModel)
export class ClusterRelationsResolver {
  constructor(
    private readonly loaders: GraphLoaders,
    private readonly credentials: ConnectionCredentialsStore,
  ) {}

  /** The cluster's record (already loaded by `clusters`/`cluster`, so no statement of its own). */
  private async recordOf(loaders: RequestLoaders, cluster: ParentOf<ClusterModel>): Promise<ClusterRecord | null> {
    return loaders.cluster.load(cluster.name);
  }

  @ResolveField(() => PolicyVersionPageModel, { description: "This cluster's newest versions, newest first", complexity: pagedCost(20) })
  async versions(
    @Parent() cluster: ParentOf<ClusterModel>,
    @Args('first', { type: () => Int, defaultValue: 20 }, new PositiveIntPipe('first', 100)) first: number,
    @CurrentGraphqlRequest() request: GraphqlRequest,
  ): Promise<PolicyVersionPageModel> {
    const loaders = this.loaders.of(request);
    const record = await this.recordOf(loaders, cluster);
    if (!record) return { items: [], nextCursor: null };
    const rows = await loaders.versions.load({ clusterId: record.id, first: first + 1 });
    const items = rows.slice(0, first).map((v) => ({ ...toPolicyVersionSummaryModel(toPolicyVersionSummary(v)), clusterName: record.name }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > first && last ? encodeCursor(last.number) : null };
  }

  @ResolveField(() => ProposalPageModel, { description: "This cluster's newest proposals, newest first", complexity: pagedCost(20) })
  async proposals(
    @Parent() cluster: ParentOf<ClusterModel>,
    @Args('first', { type: () => Int, defaultValue: 20 }, new PositiveIntPipe('first', 100)) first: number,
    @CurrentGraphqlRequest() request: GraphqlRequest,
    @Args('status', { type: () => [ProposalStatus], nullable: true }) status?: ProposalStatus[] | null,
  ): Promise<ProposalPageModel> {
    const loaders = this.loaders.of(request);
    const record = await this.recordOf(loaders, cluster);
    if (!record) return { items: [], nextCursor: null };
    const rows = await loaders.proposals.load({ clusterId: record.id, first: first + 1, statuses: status ?? undefined });
    const items = rows.slice(0, first);
    const last = items.at(-1);
    return {
      items: items.map((p) => toProposalSummaryModel(toProposalSummaryView(p))),
      nextCursor: rows.length > first && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  @ResolveField(() => SyncStatusModel, { nullable: true, description: "This cluster's sync state", complexity: QUERY_COST.field })
  async sync(@Parent() cluster: ParentOf<ClusterModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<SyncStatusModel | null> {
    const loaders = this.loaders.of(request);
    const record = await this.recordOf(loaders, cluster);
    if (!record) return null;
    const [state, connection] = await Promise.all([loaders.syncState.load(record.id), loaders.connection.load(record.id)]);
    return toSyncStatusModel(toSyncStatusView(record, state, connection));
  }

  @ResolveField(() => InventorySnapshotSummaryModel, { nullable: true, description: "This cluster's newest inventory snapshot (full contents: the root `inventory` query); null before the first", complexity: QUERY_COST.field })
  async inventory(@Parent() cluster: ParentOf<ClusterModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<InventorySnapshotSummaryModel | null> {
    const loaders = this.loaders.of(request);
    const record = await this.recordOf(loaders, cluster);
    const snapshot = record ? await loaders.inventory.load(record.id) : null;
    return snapshot ? toInventorySnapshotSummaryModel(toInventorySummaryView(snapshot)) : null;
  }

  @ResolveField(() => ConnectionModel, { nullable: true, description: "What this cluster's connection reaches (never its credentials); null before one is saved", complexity: QUERY_COST.field })
  async connection(@Parent() cluster: ParentOf<ClusterModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ConnectionModel | null> {
    const loaders = this.loaders.of(request);
    const record = await this.recordOf(loaders, cluster);
    const connection = record ? await loaders.connection.load(record.id) : null;
    return connection ? toConnectionModel(toConnectionView(connection, this.credentials.open(connection))) : null;
  }
}
