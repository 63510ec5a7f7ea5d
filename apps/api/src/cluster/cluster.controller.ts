import { ClustersService, RegisterClusterCommand } from '@palisade/clusters';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { ClusterListModel, ClusterModel, toClusterModel } from './cluster.model';
import { RegisterClusterInput } from './register-cluster.input';

@ApiTags('clusters')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1/clusters')
export class ClusterController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @ApiCreatedResponse({ type: ClusterModel })
  @ApiOperation({ summary: 'Register a cluster' })
  @ApiProblemResponses(400, 409)
  async register(@Body() input: RegisterClusterInput, @CurrentCaller() caller: Caller): Promise<ClusterModel> {
    return toClusterModel(await this.clusters.register(RegisterClusterCommand.from({ ...input, caller })));
  }

  @Get()
  @ApiOkResponse({ type: ClusterListModel })
  @ApiOperation({ summary: 'List clusters' })
  async list(@CurrentCaller() caller: Caller): Promise<ClusterListModel> {
    return { items: (await this.clusters.list(caller)).map(toClusterModel) };
  }

  @Get(':name')
  @ApiOkResponse({ type: ClusterModel })
  @ApiOperation({ summary: 'Get a cluster' })
  @ApiProblemResponses(404)
  async get(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<ClusterModel> {
    return toClusterModel(await this.clusters.get(name, caller));
  }
}
