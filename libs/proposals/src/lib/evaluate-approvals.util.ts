import { compareSeverity, type FindingSeverity } from '@palisade/netpol-engine';
import type { Actor } from '@palisade/shared-types';

export type ApprovalAnalysisStatus = 'PENDING' | 'READY' | 'FAILED';

/** One finding of the proposal's current analysis, as approval rules see it. */
export interface ApprovalFindingFact {
  code: string;
  severity: FindingSeverity;
  message: string;
  /** The engine's formatFlow text, e.g. `default/myapp[Deployment] => 1.1.1.1/32 : TCP 443`; null for a finding about no flow. */
  flow: string | null;
}

/** What approval evaluation needs to know about the proposal's current analysis. */
export interface ApprovalAnalysisFacts {
  status: ApprovalAnalysisStatus;
  /** Approvals are bound to it: an approval given for another hash does not count. */
  hash: string;
  findings: ApprovalFindingFact[];
  /** Whether the change opens or closes at least one flow; null when no inventory was available. */
  connectivityChange: boolean | null;
}

/** What approval evaluation needs to know about a proposal. */
export interface ApprovalSubject {
  author: Actor;
  /** Only reviews of this revision count; earlier ones were dismissed by a change. */
  revision: number;
  clusterLabels: Record<string, string>;
  /** The current revision's analysis; null when it has none. */
  analysis: ApprovalAnalysisFacts | null;
}

/** Every condition given must match the current analysis for the rule to apply. */
export interface ApprovalRuleCondition {
  /** Some finding has one of these codes. */
  findings?: string[];
  /** Some finding is at least this severe. */
  minSeverity?: FindingSeverity;
  /** The change opens or closes a flow (true), or nothing a packet would notice (false). */
  connectivityChange?: boolean;
}

export interface ApprovalRuleSpec {
  name: string;
  matchLabels: Record<string, string>;
  minApprovals: number;
  requiredGroups: string[];
  /** null: the rule applies on the cluster's labels alone. */
  when: ApprovalRuleCondition | null;
  /** Whether bots' approvals count while this rule applies (every applying rule must allow them). */
  allowBotApprovals: boolean;
}

export interface ReviewFact {
  reviewer: Actor;
  reviewerGroups: string[];
  verdict: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';
  proposalRevision: number;
  /** Hash of the analysis the reviewer was shown; null when there was none. */
  analysisHash: string | null;
  createdAt: Date;
}

export interface ApproverRef {
  id: string | null;
  name: string;
}

/** Why a rule (or the default) asks for approvals: one per matching finding, or one per rule. */
export interface ApprovalReason {
  /** The rule's name; `default` when no rule applies. */
  rule: string;
  finding: string | null;
  flow: string | null;
  message: string;
}

export type IgnoredApprovalReason = 'BOT_APPROVAL' | 'ANALYSIS_CHANGED';

export interface ApprovalEvaluation {
  /** Names of the rules that apply to the proposal (cluster labels and `when`). */
  rules: string[];
  required: { approvals: number; groups: string[] };
  received: { approvals: number; approvers: ApproverRef[]; groups: string[] };
  missing: { approvals: number; groups: string[] };
  /** Reviewers whose REQUEST_CHANGES on the current revision still stands. */
  blockedBy: ApproverRef[];
  /** The requirement with the reasons for it. */
  requiredApprovals: { count: number; groups: string[]; reasons: ApprovalReason[] };
  /** Approvals of the current revision that do not count, and why. */
  ignoredApprovals: { reviewer: ApproverRef; reason: IgnoredApprovalReason }[];
  /** Rules apply and all of them require no approval and no group: the rules approve the proposal. */
  approvedByRule: boolean;
  /** Status of the current analysis (null: none); nothing is satisfied before it is READY. */
  analysisStatus: ApprovalAnalysisStatus | null;
  /** Analysis READY, enough approvals, every required group, and nothing blocking. */
  satisfied: boolean;
}

/** Without any matching rule a proposal needs one approval. */
export const DEFAULT_MIN_APPROVALS = 1;
export const DEFAULT_RULE_REASON = 'default';

const sameActor = (a: Actor, b: Actor): boolean => (a.id !== null && b.id !== null ? a.id === b.id : a.name === b.name && a.kind === b.kind);
const keyOf = (actor: Actor): string => actor.id ?? `${actor.kind}:${actor.name}`;
const ref = (r: ReviewFact): ApproverRef => ({ id: r.reviewer.id, name: r.reviewer.name });

export function ruleApplies(rule: Pick<ApprovalRuleSpec, 'matchLabels'>, labels: Record<string, string>): boolean {
  return Object.entries(rule.matchLabels).every(([key, value]) => labels[key] === value);
}

const hasCode = (when: ApprovalRuleCondition, f: ApprovalFindingFact): boolean => when.findings === undefined || when.findings.includes(f.code);
const atSeverity = (when: ApprovalRuleCondition, f: ApprovalFindingFact): boolean => when.minSeverity === undefined || compareSeverity(f.severity, when.minSeverity) >= 0;
const findingConditions = (when: ApprovalRuleCondition): boolean => when.findings !== undefined || when.minSeverity !== undefined;

/**
 * Whether a rule's `when` matches the analysis. A rule without `when` always does; a rule with one
 * never does before the analysis is READY. `connectivityChange` never matches an unknown (null) change.
 */
export function conditionMatches(when: ApprovalRuleCondition | null, analysis: ApprovalAnalysisFacts | null): boolean {
  if (when === null) return true;
  if (analysis?.status !== 'READY') return false;
  if (when.findings !== undefined && !analysis.findings.some((f) => hasCode(when, f))) return false;
  if (when.minSeverity !== undefined && !analysis.findings.some((f) => atSeverity(when, f))) return false;
  return when.connectivityChange === undefined || analysis.connectivityChange === when.connectivityChange;
}

function reasonsFor(rule: ApprovalRuleSpec, analysis: ApprovalAnalysisFacts | null): ApprovalReason[] {
  const when = rule.when;
  if (when !== null && findingConditions(when) && analysis !== null) {
    // The findings that meet every finding condition; when different findings meet them, each that meets one.
    const both = analysis.findings.filter((f) => hasCode(when, f) && atSeverity(when, f));
    const matching = both.length > 0 ? both : analysis.findings.filter((f) => (when.findings !== undefined && hasCode(when, f)) || (when.minSeverity !== undefined && atSeverity(when, f)));
    return matching.map((f) => ({ rule: rule.name, finding: f.code, flow: f.flow, message: `rule \`${rule.name}\`: ${f.code} ${f.flow ?? f.message}` }));
  }
  const labels = Object.entries(rule.matchLabels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`);
  const parts = [labels.length > 0 ? `cluster labels ${labels.join(', ')}` : 'every cluster'];
  if (when?.connectivityChange !== undefined) parts.push(when.connectivityChange ? 'the change opens or closes a flow' : 'the change opens and closes no flow');
  return [{ rule: rule.name, finding: null, flow: null, message: `rule \`${rule.name}\`: ${parts.join('; ')}` }];
}

/**
 * What a proposal still needs before it can merge. The one place approval policy lives.
 *
 * A rule applies when its labels match the cluster and its `when` matches the current analysis.
 * Applying rules combine: the largest minimum, and every required group; without any, one
 * approval. Rules that all require nothing approve the proposal themselves (`approvedByRule`).
 * Nothing is satisfied before the analysis is READY.
 *
 * Per reviewer only the latest APPROVE or REQUEST_CHANGES on the current revision counts; the
 * author's own reviews never count. An APPROVE counts only for the analysis hash it was given for,
 * and a bot's only when every applying rule allows bot approvals. REQUEST_CHANGES blocks the
 * revision whatever the analysis.
 *
 * @example
 * evaluateApprovals({ author, revision: 1, clusterLabels: {}, analysis: { status: 'READY', hash: 'h', connectivityChange: true,
 *   findings: [{ code: 'EGRESS_TO_INTERNET_OPENED', severity: 'high', message: '…', flow: 'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443' }] } },
 *   [{ name: 'internet-egress', matchLabels: {}, minApprovals: 2, requiredGroups: ['security'], when: { findings: ['EGRESS_TO_INTERNET_OPENED'] }, allowBotApprovals: false }],
 *   reviews)
 * // { requiredApprovals: { count: 2, groups: ['security'], reasons: [{ rule: 'internet-egress', finding: 'EGRESS_TO_INTERNET_OPENED',
 * //   message: 'rule `internet-egress`: EGRESS_TO_INTERNET_OPENED default/myapp[Deployment] => 1.1.1.1/32 : TCP 443', ... }] }, satisfied: false, ... }
 */
export function evaluateApprovals(subject: ApprovalSubject, rules: readonly ApprovalRuleSpec[], reviews: readonly ReviewFact[]): ApprovalEvaluation {
  const { analysis } = subject;
  const applicable = rules.filter((rule) => ruleApplies(rule, subject.clusterLabels) && conditionMatches(rule.when, analysis));
  const requiredApprovals = applicable.length === 0 ? DEFAULT_MIN_APPROVALS : Math.max(...applicable.map((r) => r.minApprovals));
  const requiredGroups = [...new Set(applicable.flatMap((r) => r.requiredGroups))].sort();
  const approvedByRule = applicable.length > 0 && requiredApprovals === 0 && requiredGroups.length === 0;
  const botsCount = applicable.length > 0 && applicable.every((r) => r.allowBotApprovals);
  const reasons: ApprovalReason[] =
    applicable.length === 0
      ? [{ rule: DEFAULT_RULE_REASON, finding: null, flow: null, message: 'default: one approval when no rule applies' }]
      : [...applicable].sort((a, b) => (a.name < b.name ? -1 : 1)).flatMap((rule) => reasonsFor(rule, analysis));

  const latest = new Map<string, ReviewFact>();
  const ordered = [...reviews].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const review of ordered) {
    if (review.proposalRevision !== subject.revision || review.verdict === 'COMMENT' || sameActor(review.reviewer, subject.author)) continue;
    latest.set(keyOf(review.reviewer), review);
  }
  const approvals: ReviewFact[] = [];
  const ignoredApprovals: ApprovalEvaluation['ignoredApprovals'] = [];
  for (const review of latest.values()) {
    if (review.verdict !== 'APPROVE') continue;
    if (analysis === null || review.analysisHash !== analysis.hash) ignoredApprovals.push({ reviewer: ref(review), reason: 'ANALYSIS_CHANGED' });
    else if (review.reviewer.kind !== 'human' && !botsCount) ignoredApprovals.push({ reviewer: ref(review), reason: 'BOT_APPROVAL' });
    else approvals.push(review);
  }
  const blockers = [...latest.values()].filter((r) => r.verdict === 'REQUEST_CHANGES');
  const receivedGroups = [...new Set(approvals.flatMap((r) => r.reviewerGroups))].sort();
  const missingGroups = requiredGroups.filter((group) => !receivedGroups.includes(group));
  const missingApprovals = Math.max(0, requiredApprovals - approvals.length);
  const analysisStatus = analysis?.status ?? null;
  return {
    rules: applicable.map((r) => r.name).sort(),
    required: { approvals: requiredApprovals, groups: requiredGroups },
    received: { approvals: approvals.length, approvers: approvals.map(ref), groups: receivedGroups },
    missing: { approvals: missingApprovals, groups: missingGroups },
    blockedBy: blockers.map(ref),
    requiredApprovals: { count: requiredApprovals, groups: requiredGroups, reasons },
    ignoredApprovals,
    approvedByRule,
    analysisStatus,
    satisfied: analysisStatus === 'READY' && missingApprovals === 0 && missingGroups.length === 0 && blockers.length === 0,
  };
}
