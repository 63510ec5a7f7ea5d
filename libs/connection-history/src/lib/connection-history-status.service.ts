import { ClustersService } from '@palisade/clusters';
import { type ConnectionHistoryStatusRecord, ConnectivityTrackingRepository } from '@palisade/persistence';
import { assertRole, type Caller } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { clustersToSearch } from './clusters-to-search.util';

/** Whether a cluster's connection history answers for its head and newest inventory yet, and why not. */
export interface ConnectionHistoryStatusView {
  cluster: string;
  headVersion: number;
  /** The version the history reflects; null before its first catch-up. */
  trackedVersion: number | null;
  /** The history reflects the head version and the newest inventory snapshot: what it says is open, is (a cluster without versions: true, nothing tracked). */
  upToDate: boolean;
  /** While it lags: the background catch-ups that failed in a row (an engine error, a timeout), the last one's error, and when it is tried again. */
  failures: number;
  lastError: string | null;
  retryAfter: Date | null;
}

const toStatusView = (s: ConnectionHistoryStatusRecord): ConnectionHistoryStatusView => ({
  cluster: s.clusterName,
  headVersion: s.headVersion,
  trackedVersion: s.trackedVersion,
  upToDate: !s.lagging,
  failures: s.failures,
  lastError: s.lastError,
  retryAfter: s.retryAfter,
});

/**
 * How current each cluster's connection history is: the history and the open connections answer
 * for the version and inventory they were caught up to, which lag the head for a moment after each
 * change, and for longer while the engine fails on the cluster.
 */
@Injectable()
export class ConnectionHistoryStatusService {
  constructor(
    private readonly clusters: ClustersService,
    private readonly tracking: ConnectivityTrackingRepository,
  ) {}

  /** Auditors and admins, within their scope; the named cluster, else every cluster of the scope, by name. */
  async execute(caller: Caller, cluster?: string): Promise<ConnectionHistoryStatusView[]> {
    assertRole(caller, ['auditor', 'admin']);
    const clusterIds = await clustersToSearch(caller, cluster, this.clusters);
    if (clusterIds !== null && clusterIds.length === 0) return [];
    return (await this.tracking.statuses(clusterIds)).map(toStatusView);
  }

  /**
   * Of clusters a connection query already resolved and checked (`clustersToSearch`; null: every
   * cluster), those whose history lags, by name: in one query, however many clusters it searched.
   */
  async lagging(clusterIds: readonly string[] | null): Promise<ConnectionHistoryStatusView[]> {
    if (clusterIds !== null && clusterIds.length === 0) return [];
    return (await this.tracking.statuses(clusterIds)).filter((s) => s.lagging).map(toStatusView);
  }
}
