import { InventoryService, UploadInventoryCommand, UploadInventoryService } from '@palisade/policy-sync';
import type { Caller } from '@palisade/shared-types';
import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';

import { ReporterAllowed } from '../auth/reporter-allowed.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { pagedCost, QUERY_COST } from '../graphql/query-cost.util';
import { InventorySnapshotModel, InventorySnapshotSummaryModel, toInventorySnapshotModel, toInventorySnapshotSummaryModel } from './inventory.model';
import { UploadInventoryInput } from './upload-inventory.input';

@Resolver(() => InventorySnapshotModel)
export class InventoryResolver {
  constructor(
    private readonly inventoryService: InventoryService,
    private readonly uploads: UploadInventoryService,
  ) {}

  @Query(() => InventorySnapshotModel, { description: "A cluster's newest inventory snapshot, or the one with `id`", complexity: QUERY_COST.inventory })
  async inventory(
    @Args('cluster') cluster: string,
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => String, nullable: true }) id?: string,
  ): Promise<InventorySnapshotModel> {
    return toInventorySnapshotModel(await this.inventoryService.get(cluster, caller, id ?? undefined));
  }

  @Query(() => [InventorySnapshotSummaryModel], { description: "A cluster's inventory snapshots, newest first", complexity: pagedCost(20) })
  async inventorySnapshots(
    @Args('cluster') cluster: string,
    @Args('first', { type: () => Int, defaultValue: 20 }, new PositiveIntPipe('first', 100)) first: number,
    @CurrentCaller() caller: Caller,
  ): Promise<InventorySnapshotSummaryModel[]> {
    return (await this.inventoryService.list(cluster, caller, first)).map(toInventorySnapshotSummaryModel);
  }

  @Mutation(() => InventorySnapshotModel, { description: 'Stores an uploaded inventory (kubectl get ... -o json or -o yaml) as a snapshot with source UPLOAD (admins, reporters)' })
  @ReporterAllowed()
  async uploadInventory(
    @Args('cluster') cluster: string,
    @Args('input') input: UploadInventoryInput,
    @CurrentCaller() caller: Caller,
  ): Promise<InventorySnapshotModel> {
    return toInventorySnapshotModel(await this.uploads.execute(UploadInventoryCommand.from({ clusterName: cluster, manifests: input.manifests, caller })));
  }
}
