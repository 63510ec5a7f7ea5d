import type { ProposalAnalysisRecord } from '@palisade/persistence';

import type { AnalysisSummary, FindingView, FlowView } from './analysis-result.type';

/** Findings shown inline with a proposal; the analysis route has them all. */
export const INLINE_FINDINGS = 100;

export interface AnalysisInventoryView {
  id: string;
  takenAt: Date;
  source: 'WATCH' | 'UPLOAD';
  contentHash: string;
}

export interface ProposalAnalysisView {
  status: 'PENDING' | 'READY' | 'FAILED';
  /** sha256 over base content, proposed content, snapshot content, engine version and options; reviews are bound to it. */
  hash: string | null;
  resultHash: string | null;
  revision: number;
  baseVersion: number;
  baseContentHash: string | null;
  proposedContentHash: string | null;
  engineVersion: string;
  options: { ipBlockMatchesPodIps: boolean };
  /** The snapshot used; null when the cluster had none (findings from the policies alone, no flows). */
  inventory: AnalysisInventoryView | null;
  summary: AnalysisSummary | null;
  /** Most serious first; at most INLINE_FINDINGS in a proposal view (see findingsTotal). */
  findings: FindingView[];
  findingsTotal: number;
  /** Why the analysis FAILED. */
  error: string | null;
  attempts: number;
  requestedAt: Date;
  computedAt: Date | null;
  durationMs: number | null;
}

export interface FlowPage {
  opened: FlowView[];
  closed: FlowView[];
  totalOpened: number;
  totalClosed: number;
  /** Pass as `cursor` for the next flows; null on the last page. */
  nextCursor: string | null;
}

export interface ProposalAnalysisDetailView extends ProposalAnalysisView {
  flows: FlowPage;
}

export function toAnalysisView(record: ProposalAnalysisRecord, findingsLimit = INLINE_FINDINGS): ProposalAnalysisView {
  const findings = record.findings as FindingView[];
  return {
    status: record.status,
    hash: record.hash,
    resultHash: record.resultHash,
    revision: record.revision,
    baseVersion: record.baseVersion,
    baseContentHash: record.baseContentHash,
    proposedContentHash: record.proposedContentHash,
    engineVersion: record.engineVersion,
    options: record.options,
    inventory: record.inventory,
    summary: record.summary as AnalysisSummary | null,
    findings: findings.slice(0, findingsLimit),
    findingsTotal: findings.length,
    error: record.error,
    attempts: record.attempts,
    requestedAt: record.requestedAt,
    computedAt: record.computedAt,
    durationMs: record.durationMs,
  };
}

/**
 * The analysis with every finding and one page of flows: opened flows first, then closed ones,
 * `limit` in all, from `offset` in that sequence.
 */
export function toAnalysisDetailView(
  record: ProposalAnalysisRecord,
  flows: { opened: FlowView[]; closed: FlowView[] },
  page: { offset: number; limit: number },
  cursorFor: (offset: number) => string,
): ProposalAnalysisDetailView {
  const all = flows.opened.length + flows.closed.length;
  const end = Math.min(all, page.offset + page.limit);
  const openedEnd = Math.min(end, flows.opened.length);
  return {
    ...toAnalysisView(record, Number.POSITIVE_INFINITY),
    flows: {
      opened: page.offset < flows.opened.length ? flows.opened.slice(page.offset, openedEnd) : [],
      closed: flows.closed.slice(Math.max(0, page.offset - flows.opened.length), Math.max(0, end - flows.opened.length)),
      totalOpened: flows.opened.length,
      totalClosed: flows.closed.length,
      nextCursor: end < all ? cursorFor(end) : null,
    },
  };
}
