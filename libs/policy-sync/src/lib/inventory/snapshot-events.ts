import { Injectable, Logger } from '@nestjs/common';

/** A snapshot was stored and its transaction committed. */
export interface InventorySnapshotStoredEvent {
  clusterId: string;
  clusterName: string;
  snapshotId: string;
}

export type InventorySnapshotListener = (event: InventorySnapshotStoredEvent) => void | Promise<void>;

/**
 * In-process notice of new inventory snapshots, for whatever depends on the newest one (analyses of
 * open proposals). Listeners run after the commit; one that throws (or rejects) is logged and
 * never fails the write that stored the snapshot, nor the other listeners.
 */
@Injectable()
export class InventorySnapshotEvents {
  private readonly logger = new Logger(InventorySnapshotEvents.name);
  private readonly listeners = new Set<InventorySnapshotListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: InventorySnapshotListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  stored(event: InventorySnapshotStoredEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(event);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(event, error));
      } catch (error) {
        this.failed(event, error);
      }
    }
  }

  private failed(event: InventorySnapshotStoredEvent, error: unknown): void {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.logger.error(`a listener failed on snapshot ${event.snapshotId} of cluster ${event.clusterName}: ${reason}`);
  }
}
