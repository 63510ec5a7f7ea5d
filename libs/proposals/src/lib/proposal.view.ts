import { type NetworkPolicy, policyKey, toYaml } from '@palisade/netpol-engine';
import type { ProposalRecord, ProposalStatusName, ReviewRecord, StoredPolicyDiffRecord } from '@palisade/persistence';
import type { Actor } from '@palisade/shared-types';

import type { ProposalAnalysisView } from './analysis/analysis.view';
import type { ApprovalEvaluation } from './evaluate-approvals.util';
import { pickByKey, type PolicyRef } from './proposal-changes.util';
import { POLICY_DIFF_MAX_BYTES, PROPOSAL_DIFF_MAX_BYTES, truncateDiff, unifiedDiff } from './text-diff.util';

export interface PolicyDiffView {
  namespace: string;
  name: string;
  change: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Canonical YAML in the base version; null when added. */
  before: string | null;
  /** Canonical YAML after the change; null when deleted. */
  after: string | null;
  /** Unified diff of before and after, computed when the revision was stored. */
  diff: string;
  /** True when `diff` was cut at the stored bound (256 KiB per policy, 8 MiB per proposal); `before` and `after` are whole. */
  diffTruncated: boolean;
}

export interface ReviewView {
  id: string;
  reviewer: Actor;
  verdict: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';
  comment: string | null;
  revision: number;
  /** True once the proposal changed after this review, or a re-analysis changed what it approved (it no longer counts). */
  dismissed: boolean;
  /** REVISION_CHANGED (the changes were replaced) or ANALYSIS_CHANGED (a re-analysis gave another result); null while it counts. */
  dismissedReason: 'REVISION_CHANGED' | 'ANALYSIS_CHANGED' | null;
  /** For ANALYSIS_CHANGED: when, and the summaries of the approved and of the new analysis. */
  dismissal: { at: Date; previousHash: string | null; newHash: string; previousSummary: unknown; newSummary: unknown } | null;
  /** The analysis the reviewer was shown. */
  analysisHash: string | null;
  createdAt: Date;
}

export interface ProposalSummaryView {
  id: string;
  cluster: string;
  title: string;
  description: string | null;
  status: ProposalStatusName;
  author: Actor;
  baseVersion: number;
  revision: number;
  touchedPolicies: string[];
  conflictPolicies: string[];
  source: { kind: string; url: string | null; commit: string | null } | null;
  revertsToVersion: number | null;
  mergedVersion: number | null;
  mergedOntoVersion: number | null;
  closedAt: Date | null;
  closedBy: { id: string | null; name: string } | null;
  closeComment: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProposalView extends ProposalSummaryView {
  changes: { upsert: unknown[]; delete: PolicyRef[] };
  changeHash: string;
  diff: PolicyDiffView[];
  reviews: ReviewView[];
  approvals: ApprovalEvaluation;
  /** How many approvals, from which groups, and why (rules, findings, flows). */
  requiredApprovals: ApprovalEvaluation['requiredApprovals'];
  /** The current revision's analysis (summary and findings; flows at /proposals/{id}/analysis); null before the first one. */
  analysis: ProposalAnalysisView | null;
}

export function toProposalSummaryView(record: ProposalRecord): ProposalSummaryView {
  return {
    id: record.id,
    cluster: record.clusterName,
    title: record.title,
    description: record.description,
    status: record.status,
    author: record.author,
    baseVersion: record.baseVersion,
    revision: record.revision,
    touchedPolicies: record.touchedPolicies,
    conflictPolicies: record.conflictPolicies,
    source: record.source,
    revertsToVersion: record.revertsToVersion,
    mergedVersion: record.mergedVersion,
    mergedOntoVersion: record.mergedOntoVersion,
    closedAt: record.closedAt,
    closedBy: record.closedBy,
    closeComment: record.closeComment,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

interface PolicyTexts {
  namespace: string;
  name: string;
  change: PolicyDiffView['change'];
  before: string | null;
  after: string | null;
}

/** Per touched policy, sorted by namespace and name: its canonical YAML in the base and after the change. */
function policyTexts(base: readonly NetworkPolicy[], changes: { upsert: NetworkPolicy[]; delete: PolicyRef[] }): PolicyTexts[] {
  const before = pickByKey(base, [...changes.upsert.map((p) => p.metadata), ...changes.delete]);
  const texts: PolicyTexts[] = [];
  for (const policy of changes.upsert) {
    const old = before.get(policyKey(policy));
    texts.push({ namespace: policy.metadata.namespace, name: policy.metadata.name, change: old ? 'MODIFIED' : 'ADDED', before: old ? toYaml(old) : null, after: toYaml(policy) });
  }
  for (const ref of changes.delete) {
    const old = before.get(`${ref.namespace}/${ref.name}`);
    texts.push({ namespace: ref.namespace, name: ref.name, change: 'DELETED', before: old ? toYaml(old) : '', after: null });
  }
  return texts.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/**
 * The unified diffs of a revision, computed once when it is stored: each cut at {@link POLICY_DIFF_MAX_BYTES}, and
 * once {@link PROPOSAL_DIFF_MAX_BYTES} are used, the rest stored empty and marked truncated.
 */
export function storedPolicyDiffs(base: readonly NetworkPolicy[], changes: { upsert: NetworkPolicy[]; delete: PolicyRef[] }): { diffs: StoredPolicyDiffRecord[]; bytes: number } {
  let bytes = 0;
  const diffs = policyTexts(base, changes).map(({ namespace, name, change, before, after }) => {
    const key = `${namespace}/${name}`;
    const bound = Math.min(POLICY_DIFF_MAX_BYTES, PROPOSAL_DIFF_MAX_BYTES - bytes);
    const { text, truncated } = truncateDiff(unifiedDiff(before ?? '', after ?? '', key, key), bound);
    bytes += Buffer.byteLength(text);
    return { namespace, name, change, diff: text, truncated };
  });
  return { diffs, bytes };
}

/** Per touched policy: its YAML before (in the base) and after, with the stored diff of the revision. */
export function policyDiffs(
  base: readonly NetworkPolicy[],
  changes: { upsert: NetworkPolicy[]; delete: PolicyRef[] },
  stored: readonly StoredPolicyDiffRecord[] = storedPolicyDiffs(base, changes).diffs,
): PolicyDiffView[] {
  const byKey = new Map(stored.map((d) => [`${d.namespace}/${d.name}`, d]));
  return policyTexts(base, changes).map((texts) => {
    const diff = byKey.get(`${texts.namespace}/${texts.name}`);
    return { ...texts, diff: diff?.diff ?? '', diffTruncated: diff?.truncated ?? false };
  });
}

export function toReviewView(review: ReviewRecord, currentRevision: number): ReviewView {
  return {
    id: review.id,
    reviewer: review.reviewer,
    verdict: review.verdict,
    comment: review.comment,
    revision: review.proposalRevision,
    dismissed: review.proposalRevision !== currentRevision || review.dismissal !== null,
    dismissedReason: review.proposalRevision !== currentRevision ? 'REVISION_CHANGED' : review.dismissal ? review.dismissal.reason : null,
    dismissal: review.dismissal
      ? { at: review.dismissal.at, previousHash: review.dismissal.previousHash, newHash: review.dismissal.newHash, previousSummary: review.dismissal.previousSummary, newSummary: review.dismissal.newSummary }
      : null,
    analysisHash: review.analysisHash,
    createdAt: review.createdAt,
  };
}
