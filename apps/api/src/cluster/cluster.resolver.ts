import { ClustersService, RegisterClusterCommand } from '@palisade/clusters';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { ClusterModel, toClusterModel } from './cluster.model';
import { RegisterClusterInput } from './register-cluster.input';

@Resolver(() => ClusterModel)
export class ClusterResolver {
  constructor(private readonly clusterService: ClustersService) {}

  @Query(() => [ClusterModel])
  async clusters(): Promise<ClusterModel[]> {
    return (await this.clusterService.list()).map(toClusterModel);
  }

  @Query(() => ClusterModel)
  async cluster(@Args('name') name: string): Promise<ClusterModel> {
    return toClusterModel(await this.clusterService.get(name));
  }

  @Mutation(() => ClusterModel)
  async registerCluster(@Args('input') input: RegisterClusterInput): Promise<ClusterModel> {
    return toClusterModel(await this.clusterService.register(RegisterClusterCommand.from(input)));
  }
}
