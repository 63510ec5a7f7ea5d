export * from './lib/connection-change.view';
export * from './lib/connection-filter.util';
export * from './lib/connection-history-status.service';
export type { ConnectionHistoryStatusView } from './lib/connection-history-status.view'; // the view only: toStatusView stays inside the lib
export * from './lib/connection-history-query.command';
export * from './lib/connection-history.module';
export * from './lib/connection-history.recorder';
export * from './lib/connection-page.view';
export * from './lib/connectivity-change.input';
export * from './lib/lagging-limit.constant';
export * from './lib/list-open-connections.service';
export * from './lib/open-connections-query.command';
export * from './lib/query-connection-history.service';
