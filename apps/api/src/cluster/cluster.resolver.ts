import { ClustersService, RegisterClusterCommand } from '@palisade/clusters';
import type { Caller } from '@palisade/shared-types';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { unpagedCost } from '../graphql/query-cost.util';
import { ClusterModel, toClusterModel } from './cluster.model';
import { RegisterClusterInput } from './register-cluster.input';

@Resolver(() => ClusterModel)
export class ClusterResolver {
  constructor(private readonly clusterService: ClustersService) {}

  @Query(() => [ClusterModel], { complexity: unpagedCost() })
  async clusters(@CurrentCaller() caller: Caller): Promise<ClusterModel[]> {
    return (await this.clusterService.list(caller)).map(toClusterModel);
  }

  @Query(() => ClusterModel)
  async cluster(@Args('name') name: string, @CurrentCaller() caller: Caller): Promise<ClusterModel> {
    return toClusterModel(await this.clusterService.get(name, caller));
  }

  @Mutation(() => ClusterModel)
  async registerCluster(@Args('input') input: RegisterClusterInput, @CurrentCaller() caller: Caller): Promise<ClusterModel> {
    return toClusterModel(await this.clusterService.register(RegisterClusterCommand.from({ ...input, caller })));
  }
}
