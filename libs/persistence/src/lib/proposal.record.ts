import type { Actor } from '@palisade/shared-types';

export type ProposalStatusName = 'OPEN' | 'CHANGES_REQUESTED' | 'APPROVED' | 'MERGED' | 'REJECTED' | 'WITHDRAWN' | 'CONFLICTED';
export type ReviewVerdictName = 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';

export interface PolicyRefRecord {
  namespace: string;
  name: string;
}

/** The effective changes of a proposal against its base: manifests to add or replace, policies to delete. */
export interface ProposalChangesRecord {
  upsert: unknown[];
  delete: PolicyRefRecord[];
}

export interface ProposalSourceRecord {
  kind: string;
  url: string | null;
  commit: string | null;
}

export interface ProposalRecord {
  id: string;
  clusterId: string;
  clusterName: string;
  title: string;
  description: string | null;
  author: Actor;
  baseVersion: number;
  revision: number;
  changes: ProposalChangesRecord;
  changeHash: string;
  /** `namespace/name` keys, sorted. */
  touchedPolicies: string[];
  status: ProposalStatusName;
  conflictPolicies: string[];
  source: ProposalSourceRecord | null;
  idempotencyKey: string | null;
  idempotencyHash: string | null;
  revertsToVersion: number | null;
  mergedVersion: number | null;
  mergedOntoVersion: number | null;
  closedAt: Date | null;
  closedBy: { id: string | null; name: string } | null;
  closeComment: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewProposal {
  clusterId: string;
  title: string;
  description: string | null;
  author: Actor;
  baseVersion: number;
  changes: ProposalChangesRecord;
  changeHash: string;
  touchedPolicies: string[];
  status: ProposalStatusName;
  source: ProposalSourceRecord | null;
  idempotencyKey: string | null;
  idempotencyHash: string | null;
  revertsToVersion: number | null;
}

/** Fields a use case may change on a proposal. */
export type ProposalUpdate = Partial<
  Pick<
    ProposalRecord,
    | 'title'
    | 'description'
    | 'baseVersion'
    | 'revision'
    | 'changes'
    | 'changeHash'
    | 'touchedPolicies'
    | 'status'
    | 'conflictPolicies'
    | 'mergedVersion'
    | 'mergedOntoVersion'
    | 'closedAt'
    | 'closedBy'
    | 'closeComment'
  >
>;

export interface ReviewRecord {
  id: string;
  proposalId: string;
  reviewer: Actor;
  /** The reviewer's approver groups when the review was given. */
  reviewerGroups: string[];
  verdict: ReviewVerdictName;
  comment: string | null;
  /** The proposal revision reviewed; a later revision dismisses the review. */
  proposalRevision: number;
  changeHash: string;
  /** The analysis the reviewer was shown; an approval counts only while it is the proposal's current one. */
  analysisHash: string | null;
  /** Set when a re-analysis with another result dismissed the review. */
  dismissal: ReviewDismissalRecord | null;
  createdAt: Date;
}

export interface ReviewDismissalRecord {
  reason: 'ANALYSIS_CHANGED';
  at: Date;
  previousHash: string | null;
  newHash: string;
  previousSummary: unknown;
  newSummary: unknown;
}

export type NewReview = Omit<ReviewRecord, 'id' | 'createdAt' | 'dismissal'>;

export interface ProposalListOptions {
  statuses?: ProposalStatusName[];
  /** Only proposals from this source URL (e.g. the pull request a GitOps bot opened them for). */
  sourceUrl?: string;
  /** Keyset cursor: proposals created before this one (createdAt, then id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** One touched policy's unified diff against the proposal's base, as stored. */
export interface StoredPolicyDiffRecord {
  namespace: string;
  name: string;
  change: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Unified diff text; cut at a line boundary when `truncated`. */
  diff: string;
  /** True when the diff was longer than the stored bound (or too different to compute within the edit bound). */
  truncated: boolean;
}

/** The diffs of one revision of a proposal. */
export interface ProposalDiffsRecord {
  proposalId: string;
  revision: number;
  baseVersion: number;
  bytes: number;
  diffs: StoredPolicyDiffRecord[];
}
