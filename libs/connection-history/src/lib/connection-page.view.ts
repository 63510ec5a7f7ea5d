import type { Page } from '@palisade/shared-types';

import type { ConnectionHistoryStatusView } from './connection-history-status.view';

/**
 * A page of connection history or open connections, with the searched clusters whose history lags:
 * the page does not reflect their newest version or inventory yet. `lagging` names the first
 * LAGGING_LIMIT of them by name; `laggingCount` counts them all.
 */
export interface ConnectionPage<T> extends Page<T> {
  lagging: ConnectionHistoryStatusView[];
  laggingCount: number;
}
