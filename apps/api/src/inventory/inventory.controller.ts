import { InventoryService, UploadInventoryCommand, UploadInventoryService } from '@palisade/policy-sync';
import type { Caller } from '@palisade/shared-types';
import { Controller, DefaultValuePipe, Get, HttpCode, Param, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { ReporterAllowed } from '../auth/reporter-allowed.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { ReadsBodyAfter } from '../request-body/body-access.decorator';
import { INVENTORY_MEDIA_TYPES, inventoryManifestsFrom } from './inventory-manifests.from-request';
import {
  InventorySnapshotListModel,
  InventorySnapshotModel,
  InventorySnapshotSummaryModel,
  toInventorySnapshotModel,
  toInventorySnapshotSummaryModel,
} from './inventory.model';

@ApiTags('inventory')
@ApiBearerAuth()
@ApiProblemResponses(401, 403, 404)
@Controller('api/v1/clusters/:name/inventory')
export class InventoryController {
  constructor(
    private readonly inventory: InventoryService,
    private readonly uploads: UploadInventoryService,
  ) {}

  @Get()
  @ApiOkResponse({ type: InventorySnapshotModel, description: 'The newest snapshot of namespaces and pods' })
  @ApiOperation({ summary: "Get a cluster's newest inventory snapshot" })
  async latest(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<InventorySnapshotModel> {
    return toInventorySnapshotModel(await this.inventory.get(name, caller));
  }

  @Put()
  @HttpCode(201)
  @ReporterAllowed()
  @ReadsBodyAfter({ limit: 'inventory', roles: ['admin', 'reporter'], clusterParam: 'name' })
  @ApiConsumes(...INVENTORY_MEDIA_TYPES)
  @ApiBody({
    description:
      'What `kubectl get namespaces,pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json` prints (a List), ' +
      'or the same with `-o yaml` (several documents allowed). At most INVENTORY_UPLOAD_MAX_BYTES (413 beyond, before parsing) and ' +
      'INVENTORY_UPLOAD_MAX_OBJECTS objects; NetworkPolicies are refused. Admins and reporters.',
    schema: { type: 'string' },
  })
  @ApiCreatedResponse({ type: InventorySnapshotSummaryModel, description: 'Stored as a snapshot with source UPLOAD, taken now' })
  @ApiOperation({ summary: 'Upload an inventory snapshot' })
  @ApiProblemResponses(400, 413, 415)
  async upload(@Param('name') name: string, @Req() request: Request, @CurrentCaller() caller: Caller): Promise<InventorySnapshotSummaryModel> {
    return toInventorySnapshotSummaryModel(await this.uploads.execute(UploadInventoryCommand.from({ clusterName: name, manifests: inventoryManifestsFrom(request), caller })));
  }

  @Get('snapshots')
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 20' })
  @ApiOkResponse({ type: InventorySnapshotListModel, description: 'Newest first, without contents' })
  @ApiOperation({ summary: "List a cluster's inventory snapshots" })
  @ApiProblemResponses(400)
  async list(
    @Param('name') name: string,
    @Query('limit', new DefaultValuePipe(20), new PositiveIntPipe('limit', 100)) limit: number,
    @CurrentCaller() caller: Caller,
  ): Promise<InventorySnapshotListModel> {
    return { items: (await this.inventory.list(name, caller, limit)).map(toInventorySnapshotSummaryModel) };
  }

  @Get('snapshots/:id')
  @ApiOkResponse({ type: InventorySnapshotModel })
  @ApiOperation({ summary: 'Get an inventory snapshot' })
  async get(@Param('name') name: string, @Param('id') id: string, @CurrentCaller() caller: Caller): Promise<InventorySnapshotModel> {
    return toInventorySnapshotModel(await this.inventory.get(name, caller, id));
  }
}
