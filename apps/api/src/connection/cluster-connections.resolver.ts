import { ConnectionHistoryQueryCommand, ListOpenConnectionsService, OpenConnectionsQueryCommand, QueryConnectionHistoryService } from '@palisade/connection-history';
import type { Caller } from '@palisade/shared-types';
import { Args, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { ClusterModel } from '../cluster/cluster.model';
import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { type ParentOf } from '../graphql/graph-loaders';
import { pagedCost } from '../graphql/query-cost.util';
import { ENDPOINT_FILTER_DESCRIPTION } from './connection-filter.constant';
import { ConnectionChangePageModel, OpenConnectionPageModel } from './connection.model';

/** `Cluster.connectionHistory` and `Cluster.openConnections`: the same queries, for that cluster. */
@Resolver(() => ClusterModel)
export class ClusterConnectionsResolver {
  constructor(
    private readonly history: QueryConnectionHistoryService,
    private readonly open: ListOpenConnectionsService,
  ) {}

  @ResolveField(() => ConnectionChangePageModel, { description: "This cluster's connectivity changes, newest first (auditors, admins)", complexity: pagedCost(50) })
  async connectionHistory(
    @Parent() cluster: ParentOf<ClusterModel>,
    @Args('first', { type: () => Int, defaultValue: 50 }, new PositiveIntPipe('first', 500)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('from', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) from?: string | null,
    @Args('to', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) to?: string | null,
    @Args('port', { type: () => Int, nullable: true }) port?: number | null,
    @Args('protocol', { type: () => String, nullable: true, description: 'TCP, UDP or SCTP' }) protocol?: string | null,
    @Args('change', { type: () => String, nullable: true, description: 'opened or closed' }) change?: string | null,
    @Args('since', { type: () => Date, nullable: true }) since?: Date | null,
    @Args('until', { type: () => Date, nullable: true }) until?: Date | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<ConnectionChangePageModel> {
    return this.history.execute(ConnectionHistoryQueryCommand.from({ cluster: cluster.name, from, to, port, protocol, change, since, until, cursor: after, limit: first, caller }));
  }

  @ResolveField(() => OpenConnectionPageModel, { description: "This cluster's flows open at the head right now (auditors, admins)", complexity: pagedCost(50) })
  async openConnections(
    @Parent() cluster: ParentOf<ClusterModel>,
    @Args('first', { type: () => Int, defaultValue: 50 }, new PositiveIntPipe('first', 500)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('from', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) from?: string | null,
    @Args('to', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) to?: string | null,
    @Args('port', { type: () => Int, nullable: true }) port?: number | null,
    @Args('protocol', { type: () => String, nullable: true, description: 'TCP, UDP or SCTP' }) protocol?: string | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<OpenConnectionPageModel> {
    return this.open.execute(OpenConnectionsQueryCommand.from({ cluster: cluster.name, from, to, port, protocol, cursor: after, limit: first, caller }));
  }
}
