export type AnalysisStatusName = 'PENDING' | 'READY' | 'FAILED';

/** The inventory snapshot an analysis used. */
export interface AnalysisInventoryRecord {
  id: string;
  takenAt: Date;
  source: 'WATCH' | 'UPLOAD';
  contentHash: string;
}

export interface AnalysisOptionsRecord {
  ipBlockMatchesPodIps: boolean;
}

/** A proposal's current analysis, without its flows (which can be large: see ProposalAnalysisRepository.flows). */
export interface ProposalAnalysisRecord {
  id: string;
  proposalId: string;
  /** The proposal revision analysed. */
  revision: number;
  status: AnalysisStatusName;
  hash: string | null;
  resultHash: string | null;
  baseVersion: number;
  baseContentHash: string | null;
  proposedContentHash: string | null;
  inventory: AnalysisInventoryRecord | null;
  engineVersion: string;
  options: AnalysisOptionsRecord;
  summary: unknown;
  findings: unknown[];
  error: string | null;
  attempts: number;
  requestedAt: Date;
  computedAt: Date | null;
  durationMs: number | null;
}

export interface PendingAnalysis {
  proposalId: string;
  revision: number;
  baseVersion: number;
  engineVersion: string;
  options: AnalysisOptionsRecord;
  requestedAt: Date;
}

export interface FinishedAnalysis {
  revision: number;
  baseVersion: number;
  baseContentHash: string;
  proposedContentHash: string;
  hash: string;
  resultHash: string;
  inventory: AnalysisInventoryRecord | null;
  engineVersion: string;
  options: AnalysisOptionsRecord;
  summary: unknown;
  findings: unknown[];
  flowsOpened: unknown[];
  flowsClosed: unknown[];
  computedAt: Date;
  durationMs: number;
}

export interface FailedAnalysis {
  revision: number;
  baseVersion: number;
  engineVersion: string;
  options: AnalysisOptionsRecord;
  error: string;
  computedAt: Date;
  durationMs: number;
}
