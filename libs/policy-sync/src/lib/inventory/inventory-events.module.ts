import { Module } from '@nestjs/common';

import { InventorySnapshotEvents } from './snapshot-events';

/** The one InventorySnapshotEvents of an app, shared by the upload use case and its listeners (proposal analysis). */
@Module({
  providers: [InventorySnapshotEvents],
  exports: [InventorySnapshotEvents],
})
export class InventoryEventsModule {}
