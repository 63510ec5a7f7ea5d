import { ClustersService, RegisterClusterCommand } from '@palisade/clusters';
import type { Caller } from '@palisade/shared-types';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { CurrentGraphqlRequest, GraphLoaders, type GraphqlRequest } from '../graphql/graph-loaders';
import { unpagedCost } from '../graphql/query-cost.util';
import { ClusterModel, toClusterModel } from './cluster.model';
import { RegisterClusterInput } from './register-cluster.input';

@Resolver(() => ClusterModel)
export class ClusterResolver {
  constructor(
    private readonly clusterService: ClustersService,
    private readonly loaders: GraphLoaders,
  ) {}

  @Query(() => [ClusterModel], { complexity: unpagedCost() })
  async clusters(@CurrentCaller() caller: Caller, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ClusterModel[]> {
    const clusters = await this.clusterService.list(caller);
    // Their relations find the records here instead of reading them again.
    const loaders = this.loaders.of(request);
    for (const cluster of clusters) loaders.cluster.prime(cluster.name, cluster);
    return clusters.map(toClusterModel);
  }

  @Query(() => ClusterModel, { nullable: true, description: 'null, with an error for this field, when there is no such cluster in your scope' })
  async cluster(@Args('name') name: string, @CurrentCaller() caller: Caller, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ClusterModel> {
    const cluster = await this.clusterService.get(name, caller);
    this.loaders.of(request).cluster.prime(cluster.name, cluster);
    return toClusterModel(cluster);
  }

  @Mutation(() => ClusterModel)
  async registerCluster(@Args('input') input: RegisterClusterInput, @CurrentCaller() caller: Caller): Promise<ClusterModel> {
    return toClusterModel(await this.clusterService.register(RegisterClusterCommand.from({ ...input, caller })));
  }
}
