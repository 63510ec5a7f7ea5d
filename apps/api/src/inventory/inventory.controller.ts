import { InventoryService } from '@palisade/policy-sync';
import type { Caller } from '@palisade/shared-types';
import { Controller, DefaultValuePipe, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';

import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import {
  InventorySnapshotListModel,
  InventorySnapshotModel,
  toInventorySnapshotModel,
  toInventorySnapshotSummaryModel,
} from './inventory.model';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1/clusters/:name/inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get()
  @ApiOkResponse({ type: InventorySnapshotModel, description: 'The newest snapshot of namespaces and pods' })
  async latest(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<InventorySnapshotModel> {
    return toInventorySnapshotModel(await this.inventory.get(name, caller));
  }

  @Get('snapshots')
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 20' })
  @ApiOkResponse({ type: InventorySnapshotListModel, description: 'Newest first, without contents' })
  async list(
    @Param('name') name: string,
    @Query('limit', new DefaultValuePipe(20), new PositiveIntPipe('limit', 100)) limit: number,
    @CurrentCaller() caller: Caller,
  ): Promise<InventorySnapshotListModel> {
    return { items: (await this.inventory.list(name, caller, limit)).map(toInventorySnapshotSummaryModel) };
  }

  @Get('snapshots/:id')
  @ApiOkResponse({ type: InventorySnapshotModel })
  async get(@Param('name') name: string, @Param('id') id: string, @CurrentCaller() caller: Caller): Promise<InventorySnapshotModel> {
    return toInventorySnapshotModel(await this.inventory.get(name, caller, id));
  }
}
