import type { Page } from '@palisade/shared-types';

import type { ConnectionHistoryStatusView } from './connection-history-status.service';

/**
 * A page of connection history or open connections, with the searched clusters whose history lags
 * (by name): the page does not reflect their newest version or inventory yet.
 */
export interface ConnectionPage<T> extends Page<T> {
  lagging: ConnectionHistoryStatusView[];
}
