import { ClustersService } from '@palisade/clusters';
import {
  ClusterSyncStateRepository,
  InventorySnapshotRepository,
  type InventorySnapshotSummary,
  PrismaService,
  type SnapshotNamespace,
  type SnapshotPod,
} from '@palisade/persistence';
import type { Caller } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { PolicySyncErrorCode, PolicySyncException } from '../policy-sync.exception';
import type { SyncTarget } from '../sync/sync-target.type';
import { WORKER_TRANSACTION } from '../sync/worker-transaction.constant';
import { inventoryContentHash } from './inventory-content-hash.util';
import { type InventorySnapshotSummaryView, type InventorySnapshotView, toInventorySummaryView, toInventoryView } from './inventory.view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class InventoryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClustersService,
    private readonly snapshots: InventorySnapshotRepository,
    private readonly syncStates: ClusterSyncStateRepository,
  ) {}

  /**
   * Stores what the watches see, stamped with when it was seen, unless it equals the newest snapshot;
   * keeps the newest `retain`. Fenced: a worker that lost the cluster writes nothing.
   */
  async storeObserved(
    target: SyncTarget,
    content: { namespaces: SnapshotNamespace[]; pods: SnapshotPod[] },
    takenAt: Date,
    retain: number,
  ): Promise<InventorySnapshotSummary | null> {
    const contentHash = inventoryContentHash(content);
    const latest = await this.snapshots.latestSummary(target.lease.clusterId);
    if (latest?.contentHash === contentHash) return null;
    return this.prisma.$transaction(async (tx) => {
      await this.syncStates.assertHeld(target.lease, 0, tx);
      const stored = await this.snapshots.create({ clusterId: target.lease.clusterId, source: 'WATCH', takenAt, contentHash, ...content }, tx);
      await this.snapshots.prune(target.lease.clusterId, retain, tx);
      return stored;
    }, WORKER_TRANSACTION);
  }

  /** The newest snapshot, or the one with `id`. */
  async get(clusterName: string, caller: Caller, id?: string): Promise<InventorySnapshotView> {
    const cluster = await this.clusters.get(clusterName, caller);
    const record = id === undefined ? await this.snapshots.latest(cluster.id) : UUID.test(id) ? await this.snapshots.findById(cluster.id, id) : null;
    if (!record) {
      throw new PolicySyncException(
        PolicySyncErrorCode.INVENTORY_NOT_FOUND,
        id === undefined ? `cluster "${clusterName}" has no inventory snapshot yet` : `cluster "${clusterName}" has no inventory snapshot ${id}`,
      );
    }
    return toInventoryView(cluster.name, record);
  }

  /** Snapshots newest first, without their contents. */
  async list(clusterName: string, caller: Caller, limit: number): Promise<InventorySnapshotSummaryView[]> {
    const cluster = await this.clusters.get(clusterName, caller);
    return (await this.snapshots.list(cluster.id, limit)).map(toInventorySummaryView);
  }
}
