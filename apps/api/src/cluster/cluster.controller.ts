import { ClustersService, RegisterClusterCommand } from '@palisade/clusters';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ClusterListModel, ClusterModel, toClusterModel } from './cluster.model';
import { RegisterClusterInput } from './register-cluster.input';

@ApiTags('clusters')
@Controller('api/v1/clusters')
export class ClusterController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @ApiCreatedResponse({ type: ClusterModel })
  async register(@Body() input: RegisterClusterInput): Promise<ClusterModel> {
    return toClusterModel(await this.clusters.register(RegisterClusterCommand.from(input)));
  }

  @Get()
  @ApiOkResponse({ type: ClusterListModel })
  async list(): Promise<ClusterListModel> {
    return { items: (await this.clusters.list()).map(toClusterModel) };
  }

  @Get(':name')
  @ApiOkResponse({ type: ClusterModel })
  async get(@Param('name') name: string): Promise<ClusterModel> {
    return toClusterModel(await this.clusters.get(name));
  }
}
