import type { Actor } from '@palisade/shared-types';

export type ConnectionChangeKind = 'OPENED' | 'CLOSED';
/** INITIAL: the cluster's first version; INVENTORY: a new snapshot changed what the head allows. */
export type ConnectionChangeCause = 'INITIAL' | 'IMPORT' | 'PROPOSAL' | 'REVERT' | 'INVENTORY';
export type NetworkProtocol = 'TCP' | 'UDP' | 'SCTP';

/** One end of a flow: a workload, or an address range (`cidr` minus the `except` CIDRs). */
export type ConnectionEndpointRecord =
  | { kind: 'WORKLOAD'; namespace: string; workloadKind: string; workloadName: string }
  | { kind: 'CIDR'; cidr: string; except: string[] };

/** Inclusive port range. */
export interface PortRangeRecord {
  from: number;
  to: number;
}

export interface ApproverRecord {
  id: string | null;
  name: string;
}

/** What every change of one recording shares: which cluster, which version, why, who, when. */
export interface ConnectionChangeOrigin {
  clusterId: string;
  version: number | null;
  cause: ConnectionChangeCause;
  proposalId: string | null;
  author: Actor | null;
  approvers: ApproverRecord[];
  snapshotId: string | null;
  occurredAt: Date;
}

/** One (flow, protocol, port range) that opened or closed. */
export interface NewConnectionChange {
  change: ConnectionChangeKind;
  source: ConnectionEndpointRecord;
  destination: ConnectionEndpointRecord;
  protocol: NetworkProtocol;
  ports: PortRangeRecord;
}

export interface ConnectionChangeRecord {
  id: string;
  /** Recording order; newest first is descending seq. */
  seq: number;
  clusterId: string;
  clusterName: string;
  change: ConnectionChangeKind;
  cause: ConnectionChangeCause;
  source: ConnectionEndpointRecord;
  destination: ConnectionEndpointRecord;
  protocol: NetworkProtocol;
  ports: PortRangeRecord;
  version: number | null;
  proposal: { id: string; title: string | null } | null;
  author: Actor | null;
  approvers: ApproverRecord[];
  snapshotId: string | null;
  occurredAt: Date;
}

/** A port range of a flow open at the head, with the change that opened it. */
export interface OpenConnectionRecord {
  id: string;
  clusterId: string;
  clusterName: string;
  source: ConnectionEndpointRecord;
  destination: ConnectionEndpointRecord;
  protocol: NetworkProtocol;
  /** What is open now: the opener's range, or the part of it not closed since. */
  ports: PortRangeRecord;
  since: Date;
  openedBy: ConnectionChangeRecord;
}

/**
 * Which endpoints a query side matches: a namespace's workloads, one workload (of any kind unless
 * given), or the address ranges that contain `cidr` (an address is a /32 or /128) and do not except
 * any of it. Address matches never match workloads.
 */
export type EndpointMatch =
  | { kind: 'namespace'; namespace: string }
  | { kind: 'workload'; namespace: string; name: string; workloadKind?: string }
  | { kind: 'address'; cidr: string };

export interface ConnectionFilter {
  /** The clusters to search; null means every cluster. */
  clusterIds: readonly string[] | null;
  from?: EndpointMatch;
  to?: EndpointMatch;
  /** Matches ranges that contain the port. */
  port?: number;
  protocol?: NetworkProtocol;
}

export interface ConnectionHistoryFilter extends ConnectionFilter {
  change?: ConnectionChangeKind;
  /** occurredAt bounds: `since` inclusive, `until` exclusive. */
  since?: Date;
  until?: Date;
  /** Keyset cursor: only changes with a smaller seq. */
  beforeSeq?: number;
}

/** Position of an open connection in the listing (newest opener first, then by port). */
export interface OpenConnectionPosition {
  openedSeq: number;
  portFrom: number;
}

export interface OpenConnectionFilter extends ConnectionFilter {
  /** Keyset cursor: only connections listed after this position. */
  after?: OpenConnectionPosition;
}
