import { ClusterConnectionsService, SaveConnectionCommand, SyncStatusService, UpdateSyncSettingsCommand } from '@palisade/policy-sync';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { SaveConnectionInput } from './save-connection.input';
import { ConnectionModel, SyncStatusModel, toConnectionModel, toSyncStatusModel } from './sync.model';
import { UpdateSyncSettingsInput } from './update-sync-settings.input';

@ApiTags('sync')
@ApiBearerAuth()
@ApiProblemResponses(401, 403, 404)
@Controller('api/v1/clusters/:name')
export class ClusterSyncController {
  constructor(
    private readonly connections: ClusterConnectionsService,
    private readonly sync: SyncStatusService,
  ) {}

  @Put('connection')
  @ApiOkResponse({ type: ConnectionModel, description: 'Checked against the server and stored encrypted (admins)' })
  @ApiOperation({ summary: "Set a cluster's connection (kubeconfig or in-cluster)" })
  @ApiProblemResponses(400)
  async saveConnection(@Param('name') name: string, @Body() input: SaveConnectionInput, @CurrentCaller() caller: Caller): Promise<ConnectionModel> {
    return toConnectionModel(await this.connections.save(SaveConnectionCommand.from({ clusterName: name, connection: { ...input }, caller })));
  }

  @Get('connection')
  @ApiOkResponse({ type: ConnectionModel })
  @ApiOperation({ summary: "Get a cluster's connection, without credentials" })
  async getConnection(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<ConnectionModel> {
    return toConnectionModel(await this.connections.get(name, caller));
  }

  @Get('sync')
  @ApiOkResponse({ type: SyncStatusModel })
  @ApiOperation({ summary: "Get a cluster's sync status, drift and conflicts" })
  async getSync(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<SyncStatusModel> {
    return toSyncStatusModel(await this.sync.get(name, caller));
  }

  @Patch('sync')
  @ApiOkResponse({ type: SyncStatusModel, description: 'Drift mode and conflict forcing (admins)' })
  @ApiOperation({ summary: "Change a cluster's sync settings" })
  @ApiProblemResponses(400)
  async updateSync(@Param('name') name: string, @Body() input: UpdateSyncSettingsInput, @CurrentCaller() caller: Caller): Promise<SyncStatusModel> {
    return toSyncStatusModel(await this.sync.updateSettings(UpdateSyncSettingsCommand.from({ ...input, clusterName: name, caller })));
  }

  @Post('sync/retry')
  @HttpCode(200)
  @ApiOkResponse({ type: SyncStatusModel, description: 'Forget a refused version and any backoff; the worker tries again (admins)' })
  @ApiOperation({ summary: 'Retry a refused or backed-off sync' })
  async retrySync(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<SyncStatusModel> {
    return toSyncStatusModel(await this.sync.retry(name, caller));
  }
}
