import type { Actor } from '@palisade/shared-types';

/** What approval evaluation needs to know about a proposal. */
export interface ApprovalSubject {
  author: Actor;
  /** Only reviews of this revision count; earlier ones were dismissed by a change. */
  revision: number;
  clusterLabels: Record<string, string>;
}

export interface ApprovalRuleSpec {
  name: string;
  matchLabels: Record<string, string>;
  minApprovals: number;
  requiredGroups: string[];
}

export interface ReviewFact {
  reviewer: Actor;
  reviewerGroups: string[];
  verdict: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';
  proposalRevision: number;
  createdAt: Date;
}

export interface ApproverRef {
  id: string | null;
  name: string;
}

export interface ApprovalEvaluation {
  /** Names of the rules that apply to the proposal's cluster. */
  rules: string[];
  required: { approvals: number; groups: string[] };
  received: { approvals: number; approvers: ApproverRef[]; groups: string[] };
  missing: { approvals: number; groups: string[] };
  /** Reviewers whose REQUEST_CHANGES on the current revision still stands. */
  blockedBy: ApproverRef[];
  /** Enough approvals, every required group, and nothing blocking. */
  satisfied: boolean;
}

/** Without any matching rule a proposal needs one approval. */
export const DEFAULT_MIN_APPROVALS = 1;

const sameActor = (a: Actor, b: Actor): boolean => (a.id !== null && b.id !== null ? a.id === b.id : a.name === b.name && a.kind === b.kind);
const keyOf = (actor: Actor): string => actor.id ?? `${actor.kind}:${actor.name}`;

export function ruleApplies(rule: Pick<ApprovalRuleSpec, 'matchLabels'>, labels: Record<string, string>): boolean {
  return Object.entries(rule.matchLabels).every(([key, value]) => labels[key] === value);
}

/**
 * What a proposal still needs before it can merge. The one place approval policy lives: a later
 * rule kind (e.g. driven by the risk of the connectivity change) extends this function, not its callers.
 *
 * Rules whose labels match the cluster combine: the largest minimum, and every required group.
 * Per reviewer only the latest APPROVE or REQUEST_CHANGES on the current revision counts; the
 * author's own reviews never count.
 *
 * @example
 * evaluateApprovals({ author, revision: 1, clusterLabels: { env: 'prod' } },
 *   [{ name: 'prod', matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'] }], reviews)
 * // { required: { approvals: 2, groups: ['security'] }, missing: { approvals: 1, groups: [] }, satisfied: false, ... }
 */
export function evaluateApprovals(subject: ApprovalSubject, rules: readonly ApprovalRuleSpec[], reviews: readonly ReviewFact[]): ApprovalEvaluation {
  const applicable = rules.filter((rule) => ruleApplies(rule, subject.clusterLabels));
  const requiredApprovals = applicable.length === 0 ? DEFAULT_MIN_APPROVALS : Math.max(...applicable.map((r) => r.minApprovals));
  const requiredGroups = [...new Set(applicable.flatMap((r) => r.requiredGroups))].sort();

  const latest = new Map<string, ReviewFact>();
  const ordered = [...reviews].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const review of ordered) {
    if (review.proposalRevision !== subject.revision || review.verdict === 'COMMENT' || sameActor(review.reviewer, subject.author)) continue;
    latest.set(keyOf(review.reviewer), review);
  }
  const approvals = [...latest.values()].filter((r) => r.verdict === 'APPROVE');
  const blockers = [...latest.values()].filter((r) => r.verdict === 'REQUEST_CHANGES');
  const receivedGroups = [...new Set(approvals.flatMap((r) => r.reviewerGroups))].sort();
  const missingGroups = requiredGroups.filter((group) => !receivedGroups.includes(group));
  const missingApprovals = Math.max(0, requiredApprovals - approvals.length);
  const ref = (r: ReviewFact): ApproverRef => ({ id: r.reviewer.id, name: r.reviewer.name });
  return {
    rules: applicable.map((r) => r.name).sort(),
    required: { approvals: requiredApprovals, groups: requiredGroups },
    received: { approvals: approvals.length, approvers: approvals.map(ref), groups: receivedGroups },
    missing: { approvals: missingApprovals, groups: missingGroups },
    blockedBy: blockers.map(ref),
    satisfied: missingApprovals === 0 && missingGroups.length === 0 && blockers.length === 0,
  };
}
