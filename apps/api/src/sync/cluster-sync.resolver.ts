import { ClusterConnectionsService, SaveConnectionCommand, SyncStatusService, UpdateSyncSettingsCommand } from '@palisade/policy-sync';
import type { Caller } from '@palisade/shared-types';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { SaveConnectionInput } from './save-connection.input';
import { ConnectionModel, SyncStatusModel, toConnectionModel, toSyncStatusModel } from './sync.model';
import { UpdateSyncSettingsInput } from './update-sync-settings.input';

@Resolver(() => SyncStatusModel)
export class ClusterSyncResolver {
  constructor(
    private readonly connections: ClusterConnectionsService,
    private readonly sync: SyncStatusService,
  ) {}

  @Query(() => SyncStatusModel, { description: "A cluster's sync state, as GET /api/v1/clusters/{name}/sync" })
  async clusterSync(@Args('cluster') cluster: string, @CurrentCaller() caller: Caller): Promise<SyncStatusModel> {
    return toSyncStatusModel(await this.sync.get(cluster, caller));
  }

  @Query(() => ConnectionModel, { description: "What a cluster's connection reaches (never its credentials)" })
  async clusterConnection(@Args('cluster') cluster: string, @CurrentCaller() caller: Caller): Promise<ConnectionModel> {
    return toConnectionModel(await this.connections.get(cluster, caller));
  }

  @Mutation(() => ConnectionModel, { description: 'Checks and stores (encrypted) how to reach a cluster (admins)' })
  async saveClusterConnection(
    @Args('cluster') cluster: string,
    @Args('input') input: SaveConnectionInput,
    @CurrentCaller() caller: Caller,
  ): Promise<ConnectionModel> {
    return toConnectionModel(await this.connections.save(SaveConnectionCommand.from({ clusterName: cluster, connection: { ...input }, caller })));
  }

  @Mutation(() => SyncStatusModel, { description: 'Drift mode and conflict forcing of a cluster (admins)' })
  async updateSyncSettings(
    @Args('cluster') cluster: string,
    @Args('input') input: UpdateSyncSettingsInput,
    @CurrentCaller() caller: Caller,
  ): Promise<SyncStatusModel> {
    return toSyncStatusModel(await this.sync.updateSettings(UpdateSyncSettingsCommand.from({ ...input, clusterName: cluster, caller })));
  }

  @Mutation(() => SyncStatusModel, { description: 'Forget a refused version and any backoff; the worker tries again (admins)' })
  async retrySync(@Args('cluster') cluster: string, @CurrentCaller() caller: Caller): Promise<SyncStatusModel> {
    return toSyncStatusModel(await this.sync.retry(cluster, caller));
  }
}
