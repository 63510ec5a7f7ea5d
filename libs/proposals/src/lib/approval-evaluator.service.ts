import {
  ApprovalRuleRepository,
  ClusterRepository,
  type ProposalAnalysisRecord,
  ProposalAnalysisRepository,
  type ProposalRecord,
  ProposalRepository,
  type ProposalStatusName,
  type TransactionClient,
} from '@palisade/persistence';
import { Injectable } from '@nestjs/common';

import type { AnalysisSummary, FindingView } from './analysis/analysis-result.type';
import { type ApprovalAnalysisFacts, type ApprovalEvaluation, evaluateApprovals } from './evaluate-approvals.util';

const TERMINAL: readonly ProposalStatusName[] = ['MERGED', 'REJECTED', 'WITHDRAWN', 'CONFLICTED'];

/** The status a proposal has given its approvals: derived, never set by hand. */
export function deriveStatus(current: ProposalStatusName, evaluation: ApprovalEvaluation): ProposalStatusName {
  if (TERMINAL.includes(current)) return current;
  if (evaluation.blockedBy.length > 0) return 'CHANGES_REQUESTED';
  return evaluation.satisfied ? 'APPROVED' : 'OPEN';
}

export function isOpenStatus(status: ProposalStatusName): boolean {
  return !TERMINAL.includes(status);
}

/** Loads what evaluateApprovals needs (rules, cluster labels, reviews) and keeps stored statuses current. */
@Injectable()
export class ApprovalEvaluator {
  constructor(
    private readonly rules: ApprovalRuleRepository,
    private readonly clusters: ClusterRepository,
    private readonly proposals: ProposalRepository,
    private readonly analyses: ProposalAnalysisRepository,
  ) {}

  async evaluate(proposal: ProposalRecord, tx?: TransactionClient): Promise<ApprovalEvaluation> {
    const rules = await this.rules.list(tx);
    const cluster = await this.clusters.findByName(proposal.clusterName, tx);
    // A dismissed review keeps its hash for the record, but never counts again.
    const reviews = (await this.proposals.listReviews(proposal.id, tx)).map((r) => (r.dismissal ? { ...r, analysisHash: null } : r));
    const analysis = await this.analyses.findByProposal(proposal.id, tx);
    return evaluateApprovals(
      { author: proposal.author, revision: proposal.revision, clusterLabels: cluster?.labels ?? {}, analysis: approvalFacts(analysis, proposal.revision) },
      rules,
      reviews,
    );
  }

  /** Re-derives the statuses of many proposals inside `tx` with one read of rules, reviews and analyses; stores those that changed. */
  async refreshMany(proposals: readonly ProposalRecord[], tx: TransactionClient): Promise<number> {
    if (proposals.length === 0) return 0;
    const ids = proposals.map((p) => p.id);
    const rules = await this.rules.list(tx);
    const reviews = await this.proposals.listReviewsOf(ids, tx);
    const analyses = await this.analyses.findByProposals(ids, tx);
    const labels = new Map<string, Record<string, string>>();
    const changes = new Map<ProposalStatusName, string[]>();
    for (const proposal of proposals) {
      if (!labels.has(proposal.clusterName)) labels.set(proposal.clusterName, (await this.clusters.findByName(proposal.clusterName, tx))?.labels ?? {});
      const evaluation = evaluateApprovals(
        {
          author: proposal.author,
          revision: proposal.revision,
          clusterLabels: labels.get(proposal.clusterName) ?? {},
          analysis: approvalFacts(analyses.get(proposal.id) ?? null, proposal.revision),
        },
        rules,
        (reviews.get(proposal.id) ?? []).map((r) => (r.dismissal ? { ...r, analysisHash: null } : r)),
      );
      const status = deriveStatus(proposal.status, evaluation);
      if (status !== proposal.status) changes.set(status, [...(changes.get(status) ?? []), proposal.id]);
    }
    let changed = 0;
    for (const [status, ids] of changes) changed += await this.proposals.setStatus(ids, status, tx);
    return changed;
  }

  /** Re-derives the status inside `tx` and stores it when it changed. */
  async refresh(proposal: ProposalRecord, tx: TransactionClient): Promise<ProposalRecord> {
    const status = deriveStatus(proposal.status, await this.evaluate(proposal, tx));
    return status === proposal.status ? proposal : this.proposals.update(proposal.id, { status }, tx);
  }
}

/** The analysis as approval rules see it; none when it belongs to another revision. */
export function approvalFacts(analysis: ProposalAnalysisRecord | null, revision: number): ApprovalAnalysisFacts | null {
  if (!analysis || analysis.revision !== revision) return null;
  const summary = analysis.summary as AnalysisSummary | null;
  return {
    status: analysis.status,
    hash: analysis.hash ?? '',
    findings: (analysis.findings as FindingView[]).map((f) => ({ code: f.code, severity: f.severity, message: f.message, flow: f.flow })),
    connectivityChange: summary?.connectivityChange ?? null,
  };
}
