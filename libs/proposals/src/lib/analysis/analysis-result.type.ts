import type { Endpoint, FindingSeverity, FlowPorts, NetworkPolicy } from '@palisade/netpol-engine';

import type { PolicyRef } from '../proposal-changes.util';

export interface AnalysisOptionsInput {
  /** Whether ipBlock peers also match pod IPs (network-plugin dependent). */
  ipBlockMatchesPodIps: boolean;
}

/** A flow as stored and shown: the engine's endpoints and port ranges, plus its one-line text. */
export interface FlowView {
  from: Endpoint;
  to: Endpoint;
  ports: FlowPorts[];
  /** `default/myapp[Deployment] => 1.1.1.1/32 : TCP 443` */
  text: string;
  /** An opened flow between endpoints that already talked on other ports or addresses. */
  widened?: boolean;
}

export interface FindingView {
  code: string;
  severity: FindingSeverity;
  message: string;
  policies: string[];
  namespace: string | null;
  path: string | null;
  /** The flow text for change findings (FLOW_OPENED, EGRESS_TO_INTERNET_OPENED, ...). */
  flow: string | null;
}

export interface AnalysisSummary {
  /** New flows between endpoints that did not talk before. */
  flowsOpened: number;
  /** Flows between endpoints that already talked, now on more ports or addresses. */
  flowsWidened: number;
  flowsClosed: number;
  /** True when a packet would notice the change; null without an inventory (no flows computed). */
  connectivityChange: boolean | null;
  findings: number;
  maxSeverity: FindingSeverity | 'none';
  counts: Record<FindingSeverity, number>;
  policies: { added: string[]; modified: string[]; removed: string[] };
}

/** Base vs proposed content on one inventory: what the analysis worker returns. */
export interface ChangeAnalysis {
  baseContentHash: string;
  proposedContentHash: string;
  snapshotContentHash: string | null;
  engineVersion: string;
  options: AnalysisOptionsInput;
  /** sha256 over base, proposed and snapshot content hashes, engine version and options. */
  hash: string;
  /** sha256 over what was found (flows and findings); equal results keep approvals. */
  resultHash: string;
  summary: AnalysisSummary;
  findings: FindingView[];
  flows: { opened: FlowView[]; closed: FlowView[] };
  durationMs: number;
}

/** Connectivity that changed between two (policy set, inventory) pictures of one cluster. */
export interface ConnectivityDelta {
  opened: FlowView[];
  closed: FlowView[];
  durationMs: number;
}

/** A version's policy set, loaded by the worker thread unless it still holds one with this content hash. */
export interface PolicySetRef {
  clusterId: string;
  number: number;
  contentHash: string;
}

/** An inventory snapshot, loaded by the worker thread unless it still holds one with this content hash. */
export interface SnapshotRef {
  clusterId: string;
  id: string;
  contentHash: string;
}

/** A picture of a cluster: a policy set and (optionally) an inventory. */
export interface PictureRef {
  policies: PolicySetRef;
  inventory: SnapshotRef | null;
}

export type AnalysisTask =
  | {
      kind: 'change';
      base: PolicySetRef;
      changes: { upsert: NetworkPolicy[]; delete: PolicyRef[] };
      /** Null when the cluster has no snapshot: findings from the policies alone, no flows. */
      inventory: SnapshotRef | null;
      options: AnalysisOptionsInput;
    }
  | { kind: 'delta'; before: PictureRef | null; after: PictureRef; options: AnalysisOptionsInput };

export type AnalysisResponse = { change: ChangeAnalysis } | { delta: ConnectivityDelta };
