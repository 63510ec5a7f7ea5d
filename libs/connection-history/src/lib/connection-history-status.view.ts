import type { ConnectionHistoryStatusRecord } from '@palisade/persistence';

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

export const toStatusView = (s: ConnectionHistoryStatusRecord): ConnectionHistoryStatusView => ({
  cluster: s.clusterName,
  headVersion: s.headVersion,
  trackedVersion: s.trackedVersion,
  upToDate: !s.lagging,
  failures: s.failures,
  lastError: s.lastError,
  retryAfter: s.retryAfter,
});
