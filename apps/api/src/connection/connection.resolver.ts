import { ConnectionHistoryQueryCommand, ConnectionHistoryStatusService, ListOpenConnectionsService, OpenConnectionsQueryCommand, QueryConnectionHistoryService } from '@palisade/connection-history';
import type { Caller } from '@palisade/shared-types';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { pagedCost, unpagedCost } from '../graphql/query-cost.util';
import { ENDPOINT_FILTER_DESCRIPTION } from './connection-filter.constant';
import { ConnectionChangeModel, ConnectionChangePageModel, ConnectionHistoryStatusModel, OpenConnectionPageModel } from './connection.model';

@Resolver(() => ConnectionChangeModel)
export class ConnectionResolver {
  constructor(
    private readonly history: QueryConnectionHistoryService,
    private readonly open: ListOpenConnectionsService,
    private readonly status: ConnectionHistoryStatusService,
  ) {}

  @Query(() => ConnectionChangePageModel, { description: 'Connectivity changes, newest first (auditors, admins); since inclusive, until exclusive', complexity: pagedCost(50) })
  async connectionHistory(
    @Args('first', { type: () => Int, defaultValue: 50 }, new PositiveIntPipe('first', 500)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('cluster', { type: () => String, nullable: true }) cluster?: string | null,
    @Args('from', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) from?: string | null,
    @Args('to', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) to?: string | null,
    @Args('port', { type: () => Int, nullable: true }) port?: number | null,
    @Args('protocol', { type: () => String, nullable: true, description: 'TCP, UDP or SCTP' }) protocol?: string | null,
    @Args('change', { type: () => String, nullable: true, description: 'opened or closed' }) change?: string | null,
    @Args('since', { type: () => Date, nullable: true }) since?: Date | null,
    @Args('until', { type: () => Date, nullable: true }) until?: Date | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<ConnectionChangePageModel> {
    return this.history.execute(ConnectionHistoryQueryCommand.from({ cluster, from, to, port, protocol, change, since, until, cursor: after, limit: first, caller }));
  }

  @Query(() => OpenConnectionPageModel, { description: 'Flows open at the head right now, each with the change that opened it (auditors, admins)', complexity: pagedCost(50) })
  async openConnections(
    @Args('first', { type: () => Int, defaultValue: 50 }, new PositiveIntPipe('first', 500)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('cluster', { type: () => String, nullable: true }) cluster?: string | null,
    @Args('from', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) from?: string | null,
    @Args('to', { type: () => String, nullable: true, description: ENDPOINT_FILTER_DESCRIPTION }) to?: string | null,
    @Args('port', { type: () => Int, nullable: true }) port?: number | null,
    @Args('protocol', { type: () => String, nullable: true, description: 'TCP, UDP or SCTP' }) protocol?: string | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<OpenConnectionPageModel> {
    return this.open.execute(OpenConnectionsQueryCommand.from({ cluster, from, to, port, protocol, cursor: after, limit: first, caller }));
  }

  @Query(() => [ConnectionHistoryStatusModel], { description: "How current each cluster's connection history is, by cluster name (auditors, admins; within the scope)", complexity: unpagedCost() })
  async connectionHistoryStatus(@CurrentCaller() caller: Caller, @Args('cluster', { type: () => String, nullable: true }) cluster?: string | null): Promise<ConnectionHistoryStatusModel[]> {
    return this.status.execute(caller, cluster ?? undefined);
  }
}
