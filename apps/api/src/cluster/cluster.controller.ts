import { ClustersService, RegisterClusterCommand } from '@palisade/clusters';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { CurrentCaller } from '../common/current-actor.decorator';
import { ClusterListModel, ClusterModel, toClusterModel } from './cluster.model';
import { RegisterClusterInput } from './register-cluster.input';

@ApiTags('clusters')
@Controller('api/v1/clusters')
export class ClusterController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @ApiCreatedResponse({ type: ClusterModel })
  async register(@Body() input: RegisterClusterInput, @CurrentCaller() caller: Caller): Promise<ClusterModel> {
    return toClusterModel(await this.clusters.register(RegisterClusterCommand.from({ ...input, caller })));
  }

  @Get()
  @ApiOkResponse({ type: ClusterListModel })
  async list(@CurrentCaller() caller: Caller): Promise<ClusterListModel> {
    return { items: (await this.clusters.list(caller)).map(toClusterModel) };
  }

  @Get(':name')
  @ApiOkResponse({ type: ClusterModel })
  async get(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<ClusterModel> {
    return toClusterModel(await this.clusters.get(name, caller));
  }
}
