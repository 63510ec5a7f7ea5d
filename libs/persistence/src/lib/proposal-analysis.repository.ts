import { Injectable } from '@nestjs/common';

import { Prisma, type ProposalAnalysis } from '../generated/prisma/client';
import type { FailedAnalysis, FinishedAnalysis, PendingAnalysis, ProposalAnalysisRecord } from './proposal-analysis.record';
import { PrismaService, type TransactionClient } from './prisma.service';

const WITHOUT_FLOWS = {
  id: true,
  proposalId: true,
  revision: true,
  status: true,
  hash: true,
  resultHash: true,
  baseVersion: true,
  baseContentHash: true,
  proposedContentHash: true,
  snapshotId: true,
  snapshotTakenAt: true,
  snapshotSource: true,
  snapshotContentHash: true,
  engineVersion: true,
  options: true,
  summary: true,
  findings: true,
  error: true,
  attempts: true,
  requestedAt: true,
  computedAt: true,
  durationMs: true,
} as const;

type AnalysisRow = Pick<ProposalAnalysis, keyof typeof WITHOUT_FLOWS>;

export function toProposalAnalysis(row: AnalysisRow): ProposalAnalysisRecord {
  return {
    id: row.id,
    proposalId: row.proposalId,
    revision: row.revision,
    status: row.status,
    hash: row.hash,
    resultHash: row.resultHash,
    baseVersion: row.baseVersion,
    baseContentHash: row.baseContentHash,
    proposedContentHash: row.proposedContentHash,
    inventory:
      row.snapshotId !== null && row.snapshotTakenAt !== null && row.snapshotSource !== null && row.snapshotContentHash !== null
        ? { id: row.snapshotId, takenAt: row.snapshotTakenAt, source: row.snapshotSource, contentHash: row.snapshotContentHash }
        : null,
    engineVersion: row.engineVersion,
    options: { ipBlockMatchesPodIps: true, ...(row.options as object) },
    summary: row.summary,
    findings: row.findings as unknown[],
    error: row.error,
    attempts: row.attempts,
    requestedAt: row.requestedAt,
    computedAt: row.computedAt,
    durationMs: row.durationMs,
  };
}

const json = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;

@Injectable()
export class ProposalAnalysisRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findByProposal(proposalId: string, tx: TransactionClient = this.prisma): Promise<ProposalAnalysisRecord | null> {
    const row = await tx.proposalAnalysis.findUnique({ where: { proposalId }, select: WITHOUT_FLOWS });
    return row ? toProposalAnalysis(row) : null;
  }

  /** The current analyses of many proposals (without flows), by proposal id. */
  async findByProposals(proposalIds: readonly string[], tx: TransactionClient = this.prisma): Promise<Map<string, ProposalAnalysisRecord>> {
    const rows = await tx.proposalAnalysis.findMany({ where: { proposalId: { in: [...proposalIds] } }, select: WITHOUT_FLOWS });
    return new Map(rows.map((row) => [row.proposalId, toProposalAnalysis(row)]));
  }

  /** The flows of the current analysis, in stored order. */
  async flows(proposalId: string, tx: TransactionClient = this.prisma): Promise<{ opened: unknown[]; closed: unknown[] } | null> {
    const row = await tx.proposalAnalysis.findUnique({ where: { proposalId }, select: { flowsOpened: true, flowsClosed: true } });
    return row ? { opened: row.flowsOpened as unknown[], closed: row.flowsClosed as unknown[] } : null;
  }

  /** A new revision (or a retry) waits for its analysis: the previous result is cleared. */
  async markPending(pending: PendingAnalysis, tx: TransactionClient = this.prisma): Promise<ProposalAnalysisRecord> {
    const data = {
      revision: pending.revision,
      status: 'PENDING' as const,
      baseVersion: pending.baseVersion,
      engineVersion: pending.engineVersion,
      options: json(pending.options),
      requestedAt: pending.requestedAt,
      hash: null,
      resultHash: null,
      baseContentHash: null,
      proposedContentHash: null,
      snapshotId: null,
      snapshotTakenAt: null,
      snapshotSource: null,
      snapshotContentHash: null,
      summary: Prisma.DbNull,
      findings: json([]),
      flowsOpened: json([]),
      flowsClosed: json([]),
      error: null,
      computedAt: null,
      durationMs: null,
    };
    const row = await tx.proposalAnalysis.upsert({
      where: { proposalId: pending.proposalId },
      create: { proposalId: pending.proposalId, ...data },
      update: data,
      select: WITHOUT_FLOWS,
    });
    return toProposalAnalysis(row);
  }

  async saveReady(proposalId: string, result: FinishedAnalysis, tx: TransactionClient): Promise<ProposalAnalysisRecord> {
    const data = {
      revision: result.revision,
      status: 'READY' as const,
      baseVersion: result.baseVersion,
      baseContentHash: result.baseContentHash,
      proposedContentHash: result.proposedContentHash,
      hash: result.hash,
      resultHash: result.resultHash,
      snapshotId: result.inventory?.id ?? null,
      snapshotTakenAt: result.inventory?.takenAt ?? null,
      snapshotSource: result.inventory?.source ?? null,
      snapshotContentHash: result.inventory?.contentHash ?? null,
      engineVersion: result.engineVersion,
      options: json(result.options),
      summary: json(result.summary),
      findings: json(result.findings),
      flowsOpened: json(result.flowsOpened),
      flowsClosed: json(result.flowsClosed),
      error: null,
      computedAt: result.computedAt,
      durationMs: result.durationMs,
      attempts: { increment: 1 },
    };
    const row = await tx.proposalAnalysis.upsert({
      where: { proposalId },
      create: { proposalId, requestedAt: result.computedAt, ...data, attempts: 1 },
      update: data,
      select: WITHOUT_FLOWS,
    });
    return toProposalAnalysis(row);
  }

  async saveFailed(proposalId: string, failure: FailedAnalysis, tx: TransactionClient): Promise<ProposalAnalysisRecord> {
    const data = {
      revision: failure.revision,
      status: 'FAILED' as const,
      baseVersion: failure.baseVersion,
      engineVersion: failure.engineVersion,
      options: json(failure.options),
      hash: null,
      resultHash: null,
      summary: Prisma.DbNull,
      findings: json([]),
      flowsOpened: json([]),
      flowsClosed: json([]),
      error: failure.error,
      computedAt: failure.computedAt,
      durationMs: failure.durationMs,
      attempts: { increment: 1 },
    };
    const row = await tx.proposalAnalysis.upsert({
      where: { proposalId },
      create: { proposalId, requestedAt: failure.computedAt, ...data, attempts: 1 },
      update: data,
      select: WITHOUT_FLOWS,
    });
    return toProposalAnalysis(row);
  }

  /**
   * Open proposals whose analysis is missing, pending, or older than the cluster's newest inventory
   * snapshot: what the analysis scheduler works through.
   */
  async listStale(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT p.id FROM proposals p
      LEFT JOIN proposal_analyses a ON a.proposal_id = p.id
      LEFT JOIN LATERAL (
        SELECT s.content_hash FROM inventory_snapshots s WHERE s.cluster_id = p.cluster_id ORDER BY s.taken_at DESC, s.created_at DESC LIMIT 1
      ) newest ON true
      WHERE p.status IN ('OPEN', 'CHANGES_REQUESTED', 'APPROVED')
        AND (a.id IS NULL OR a.status = 'PENDING' OR a.revision <> p.revision
             OR (a.status = 'READY' AND newest.content_hash IS DISTINCT FROM a.snapshot_content_hash))
      ORDER BY p.created_at ASC
      LIMIT ${limit}::int`;
    return rows.map((r) => r.id);
  }
}
