import { ClustersService } from '@palisade/clusters';
import { ConnectivityTrackingRepository } from '@palisade/persistence';
import { assertRole, type Caller } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { clustersToSearch } from './clusters-to-search.util';
import { type ConnectionHistoryStatusView, toStatusView } from './connection-history-status.view';

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
}
