import type { InventorySnapshotRecord, InventorySnapshotSummary, SnapshotNamespace, SnapshotPod } from '@palisade/persistence';

export interface InventorySnapshotSummaryView {
  id: string;
  takenAt: Date;
  source: 'WATCH' | 'UPLOAD';
  namespaceCount: number;
  podCount: number;
  contentHash: string;
}

export interface InventorySnapshotView extends InventorySnapshotSummaryView {
  cluster: string;
  namespaces: SnapshotNamespace[];
  pods: SnapshotPod[];
}

export function toInventorySummaryView(record: InventorySnapshotSummary): InventorySnapshotSummaryView {
  return {
    id: record.id,
    takenAt: record.takenAt,
    source: record.source,
    namespaceCount: record.namespaceCount,
    podCount: record.podCount,
    contentHash: record.contentHash,
  };
}

export function toInventoryView(clusterName: string, record: InventorySnapshotRecord): InventorySnapshotView {
  return { ...toInventorySummaryView(record), cluster: clusterName, namespaces: record.namespaces, pods: record.pods };
}
