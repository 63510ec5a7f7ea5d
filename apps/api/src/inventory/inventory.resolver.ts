import { InventoryService } from '@palisade/policy-sync';
import type { Caller } from '@palisade/shared-types';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { InventorySnapshotModel, InventorySnapshotSummaryModel, toInventorySnapshotModel, toInventorySnapshotSummaryModel } from './inventory.model';

@Resolver(() => InventorySnapshotModel)
export class InventoryResolver {
  constructor(private readonly inventoryService: InventoryService) {}

  @Query(() => InventorySnapshotModel, { description: "A cluster's newest inventory snapshot, or the one with `id`" })
  async inventory(
    @Args('cluster') cluster: string,
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => String, nullable: true }) id?: string,
  ): Promise<InventorySnapshotModel> {
    return toInventorySnapshotModel(await this.inventoryService.get(cluster, caller, id ?? undefined));
  }

  @Query(() => [InventorySnapshotSummaryModel], { description: "A cluster's inventory snapshots, newest first" })
  async inventorySnapshots(
    @Args('cluster') cluster: string,
    @Args('first', { type: () => Int, defaultValue: 20 }, new PositiveIntPipe('first', 100)) first: number,
    @CurrentCaller() caller: Caller,
  ): Promise<InventorySnapshotSummaryModel[]> {
    return (await this.inventoryService.list(cluster, caller, first)).map(toInventorySnapshotSummaryModel);
  }
}
