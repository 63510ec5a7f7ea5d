import type { ConnectivityTrackingRepository } from '@palisade/persistence';

import { toStatusView } from './connection-history-status.view';
import type { ConnectionPage } from './connection-page.view';
import { LAGGING_LIMIT } from './lagging-limit.constant';

/**
 * `lagging` and `laggingCount` of a page over clusters a query already resolved and checked
 * (`clustersToSearch`; null: every cluster). Read before the page: a catch-up committed in between
 * makes the page newer than they say, never older.
 */
export async function laggingOf(tracking: ConnectivityTrackingRepository, clusterIds: readonly string[] | null): Promise<Pick<ConnectionPage<never>, 'lagging' | 'laggingCount'>> {
  if (clusterIds !== null && clusterIds.length === 0) return { lagging: [], laggingCount: 0 };
  const { statuses, total } = await tracking.laggingStatuses(clusterIds, LAGGING_LIMIT);
  return { lagging: statuses.map(toStatusView), laggingCount: total };
}
