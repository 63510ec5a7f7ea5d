import { AuditModule } from '@palisade/audit';
import { ClustersModule } from '@palisade/clusters';
import { type DynamicModule, Module } from '@nestjs/common';

import { ClusterCapabilitiesModule } from './capabilities/cluster-capabilities.module';
import { ClusterConnectionsService } from './connection/cluster-connections.service';
import { ConnectionCredentialsStore } from './connection/connection-credentials.store';
import { InventoryService } from './inventory/inventory.service';
import { InventoryEventsModule } from './inventory/inventory-events.module';
import { UploadInventoryService } from './inventory/upload-inventory.service';
import { POLICY_SYNC_OPTIONS, type PolicySyncOptions } from './policy-sync.options';
import { ApplyVersionService } from './sync/apply-version.service';
import { RecordDriftService } from './sync/record-drift.service';
import { RecordSyncProgressService } from './sync/record-sync-progress.service';
import { SyncStatusService } from './sync/sync-status.service';

const services = [
  ApplyVersionService,
  ClusterConnectionsService,
  ConnectionCredentialsStore,
  InventoryService,
  RecordDriftService,
  RecordSyncProgressService,
  SyncStatusService,
  UploadInventoryService,
];

/** Cluster connections, applying versions, drift and inventory: used by the API and the sync worker alike. */
@Module({})
export class PolicySyncModule {
  static register(options: PolicySyncOptions): DynamicModule {
    return {
      module: PolicySyncModule,
      imports: [AuditModule, ClusterCapabilitiesModule, ClustersModule, InventoryEventsModule],
      providers: [{ provide: POLICY_SYNC_OPTIONS, useValue: options }, ...services],
      exports: [ClusterCapabilitiesModule, InventoryEventsModule, POLICY_SYNC_OPTIONS, ...services],
    };
  }
}
