import type { Actor, RequestMeta } from '@palisade/shared-types';

/** One link of the audit chain, as stored. */
export interface AuditEventRecord {
  id: string;
  /** Position in the chain: 1, 2, 3... without gaps. */
  seq: number;
  createdAt: Date;
  actor: Actor;
  action: string;
  clusterId: string | null;
  clusterName: string | null;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  request: RequestMeta | null;
  prevHash: string;
  hash: string;
}

/** The newest link of the chain, locked for the appending transaction. */
export interface AuditChainHeadRecord {
  lastSeq: number;
  lastHash: string;
  /** Database time for the next event: never earlier than the previous event's. */
  now: Date;
}

/** Filters of the audit query; every one is optional. `from` is inclusive, `to` exclusive. */
export interface AuditEventFilter {
  /**
   * Restricts to events of these clusters (a principal's scope), and to token and principal events
   * whose `clusters` reach one of them; null means no restriction.
   */
  scope: readonly string[] | null;
  clusterName?: string;
  actorId?: string;
  actorName?: string;
  action?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
  /** Keyset cursor: only events with a smaller seq. */
  beforeSeq?: number;
}

/** A signed checkpoint of the chain, as stored: event `seq` had `hash` at `time`. */
export interface AuditCheckpointRecord {
  /** 1, 2, 3... without gaps. */
  number: number;
  seq: number;
  hash: string;
  time: Date;
  keyId: string;
  signature: string;
}
