import { AuditRecorder } from '@palisade/audit';
import { ENGINE_VERSION, type NetworkPolicy } from '@palisade/netpol-engine';
import {
  InventorySnapshotRepository,
  type InventorySnapshotSummary,
  PolicySetVersionRepository,
  PrismaService,
  type ProposalAnalysisRecord,
  ProposalAnalysisRepository,
  type ProposalRecord,
  ProposalRepository,
  type TransactionClient,
} from '@palisade/persistence';
import type { Actor } from '@palisade/shared-types';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';

import { ApprovalEvaluator, deriveStatus, isOpenStatus } from '../approval-evaluator.service';
import type { PolicyRef } from '../proposal-changes.util';
import { AnalysisFailedError } from './analysis-failed.error';
import { AnalysisInterruptedError } from './analysis-interrupted.error';
import type { AnalysisOptionsInput, ChangeAnalysis } from './analysis-result.type';
import { AnalysisRunner } from './analysis-runner.service';
import { analysisHashOf } from './compute-analysis.util';

/** The actor of analyses the service runs on its own (new snapshots, retries of pending work). */
export const ANALYSIS_ACTOR: Actor = { id: null, name: 'analysis', kind: 'system' };

/** Analysis options of a cluster; ipBlocks match pod IPs unless the network plugin says otherwise. */
export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptionsInput = { ipBlockMatchesPodIps: true };

/**
 * How long shutdown waits for analyses that were storing a result when the threads stopped, before
 * the database connections close: longer than a transaction may last (Prisma: 2 s to start, 5 s to run).
 */
const SETTLE_MS = 10_000;

const changesOf = (p: ProposalRecord): { upsert: NetworkPolicy[]; delete: PolicyRef[] } => ({ upsert: p.changes.upsert as NetworkPolicy[], delete: p.changes.delete });

export interface StoredAnalysisOutcome {
  analysis: ProposalAnalysisRecord;
  /** Approvals moved to the new hash because the result is the same. */
  carried: string[];
  /** Approvals dismissed because the result changed. */
  dismissed: string[];
}

/**
 * Keeps every open proposal's analysis current: base version vs proposed content on the newest
 * inventory snapshot, computed off the event loop (AnalysisRunner). Stores results, binds reviews
 * to them (an equal result carries approvals over, another one dismisses them) and re-derives the
 * proposal's status.
 *
 * Shutting down never turns an analysis into a failure: one the engine threads stop under is left
 * PENDING, with nothing written, and the next start or another replica runs it (reconcile).
 */
@Injectable()
export class ProposalAnalysisService implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(ProposalAnalysisService.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** Requests waiting on an analysis (Prefer: wait), woken when shutdown begins. */
  private readonly waiting = new Set<() => void>();
  private shuttingDown = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly proposals: ProposalRepository,
    private readonly analyses: ProposalAnalysisRepository,
    private readonly versions: PolicySetVersionRepository,
    private readonly snapshots: InventorySnapshotRepository,
    private readonly runner: AnalysisRunner,
    private readonly evaluator: ApprovalEvaluator,
    private readonly audit: AuditRecorder,
  ) {}

  /** Inside the transaction that creates or changes a revision: its analysis is PENDING until computed. */
  async markPending(proposal: ProposalRecord, tx: TransactionClient): Promise<void> {
    await this.analyses.markPending(
      { proposalId: proposal.id, revision: proposal.revision, baseVersion: proposal.baseVersion, engineVersion: ENGINE_VERSION, options: DEFAULT_ANALYSIS_OPTIONS, requestedAt: new Date() },
      tx,
    );
  }

  /** Starts (or queues once more) the analysis of a proposal in the background. */
  start(proposalId: string): Promise<void> {
    const running = this.inFlight.get(proposalId);
    if (running) {
      this.again.add(proposalId);
      return running;
    }
    const job = (async () => {
      do {
        this.again.delete(proposalId);
        try {
          await this.analyse(proposalId);
        } catch (error) {
          if (error instanceof AnalysisInterruptedError) {
            this.logger.log(`analysis of proposal ${proposalId} interrupted by shutdown: it stays PENDING for the next start or another replica`);
            this.again.delete(proposalId);
            return;
          }
          this.logger.error(`analysis of proposal ${proposalId} could not be stored: ${(error as Error).message}`);
        }
      } while (this.again.has(proposalId));
    })().finally(() => this.inFlight.delete(proposalId));
    this.inFlight.set(proposalId, job);
    return job;
  }

  /**
   * Waits up to `seconds` for the analysis to leave PENDING (RFC 7240 `Prefer: wait`), and no longer
   * once shutdown begins: the caller answers with the analysis PENDING, as when the wait runs out.
   */
  async waitFor(proposalId: string, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline && !this.shuttingDown) {
      const current = await this.analyses.findByProposal(proposalId);
      if (!current || current.status !== 'PENDING') return;
      const running = this.inFlight.get(proposalId);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(pause);
          this.waiting.delete(wake);
          resolve();
        };
        const pause = setTimeout(wake, Math.min(100, Math.max(0, deadline - Date.now())));
        this.waiting.add(wake);
        void running?.then(wake);
      });
    }
  }

  /**
   * The first step of shutdown, before the GraphQL module drains the HTTP server in the same step
   * (this module stops first): requests waiting on an analysis are answered at once, with it PENDING,
   * instead of holding the drain. Analyses in hand go on until the threads stop.
   */
  onModuleDestroy(): void {
    this.shuttingDown = true;
    for (const wake of this.waiting) wake();
  }

  /**
   * The last step of shutdown, after the HTTP server has closed and before the database connections
   * close (PersistenceModule is global: its hooks run after this module's). Stops the engine threads,
   * which interrupts the analyses still running (left PENDING, nothing written), then waits up to
   * SETTLE_MS for the ones already storing a result, so no write races the database closing.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      Promise.allSettled([...this.inFlight.values()]).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), SETTLE_MS);
      }),
    ]);
    clearTimeout(timer);
    if (late) this.logger.warn(`analyses of proposals ${[...this.inFlight.keys()].join(', ')} were still storing after ${SETTLE_MS} ms at shutdown`);
  }

  isRunning(proposalId: string): boolean {
    return this.inFlight.has(proposalId);
  }

  /** Computes and stores the analysis of the proposal's current revision on the newest snapshot. */
  private async analyse(proposalId: string): Promise<void> {
    const proposal = await this.proposals.findById(proposalId);
    if (!proposal || !isOpenStatus(proposal.status) || proposal.status === 'CONFLICTED') return;
    const version = await this.versions.find(proposal.clusterId, proposal.baseVersion);
    if (!version) return;
    const snapshot = await this.snapshots.latestSummary(proposal.clusterId);
    const current = await this.analyses.findByProposal(proposalId);
    // Same revision, base and snapshot as the stored result: nothing to recompute.
    if (current?.status === 'READY' && current.revision === proposal.revision && current.baseVersion === proposal.baseVersion && this.expectedHash(current, version.contentHash, snapshot) === current.hash) return;

    const started = Date.now();
    let result: ChangeAnalysis | { error: string };
    try {
      result = await this.runner.change({ base: { clusterId: proposal.clusterId, number: proposal.baseVersion, contentHash: version.contentHash }, changes: changesOf(proposal), snapshot, options: DEFAULT_ANALYSIS_OPTIONS });
    } catch (error) {
      // An AnalysisInterruptedError (shutdown) goes up: nothing is stored, the analysis stays PENDING.
      if (!(error instanceof AnalysisFailedError)) throw error;
      result = { error: error.message };
    }
    await this.prisma.$transaction(async (tx) => {
      const locked = await this.proposals.lockById(proposalId, tx);
      // A newer revision or base arrived meanwhile: its own analysis is on its way.
      if (!locked || locked.revision !== proposal.revision || locked.baseVersion !== proposal.baseVersion || !isOpenStatus(locked.status) || locked.status === 'CONFLICTED') return;
      if ('error' in result) await this.storeFailure(locked, result.error, Date.now() - started, tx);
      else await this.store(locked, result, snapshot, ANALYSIS_ACTOR, tx);
    });
  }

  /**
   * Runs the analysis of `proposal` applied to `base` on `snapshot` (used by merge, inside its
   * transaction: the worker thread reads the committed, immutable version and snapshot itself).
   */
  async compute(proposal: ProposalRecord, base: { number: number; contentHash: string }, snapshot: InventorySnapshotSummary | null): Promise<ChangeAnalysis> {
    return this.runner.change({ base: { clusterId: proposal.clusterId, number: base.number, contentHash: base.contentHash }, changes: changesOf(proposal), snapshot, options: DEFAULT_ANALYSIS_OPTIONS });
  }

  /** The hash an analysis of these inputs would have, without running it. */
  expectedHash(current: ProposalAnalysisRecord, baseContentHash: string, snapshot: InventorySnapshotSummary | null): string | null {
    if (current.proposedContentHash === null) return null;
    // The proposed content depends on the base: a moved base means another proposed content.
    if (current.baseContentHash !== baseContentHash) return null;
    return analysisHashOf({ base: baseContentHash, proposed: current.proposedContentHash, inventory: snapshot?.contentHash ?? null, engineVersion: ENGINE_VERSION, options: current.options });
  }

  /**
   * Stores a READY analysis and binds the current revision's approvals to it: approvals given for an
   * analysis with the same result move to the new hash; others are dismissed (ANALYSIS_CHANGED).
   */
  async store(proposal: ProposalRecord, result: ChangeAnalysis, snapshot: InventorySnapshotSummary | null, actor: Actor, tx: TransactionClient, baseVersion = proposal.baseVersion): Promise<StoredAnalysisOutcome> {
    const previous = await this.analyses.findByProposal(proposal.id, tx);
    const analysis = await this.analyses.saveReady(
      proposal.id,
      {
        revision: proposal.revision,
        baseVersion,
        baseContentHash: result.baseContentHash,
        proposedContentHash: result.proposedContentHash,
        hash: result.hash,
        resultHash: result.resultHash,
        inventory: snapshot ? { id: snapshot.id, takenAt: snapshot.takenAt, source: snapshot.source, contentHash: snapshot.contentHash } : null,
        engineVersion: result.engineVersion,
        options: result.options,
        summary: result.summary,
        findings: result.findings,
        flowsOpened: result.flows.opened,
        flowsClosed: result.flows.closed,
        computedAt: new Date(),
        durationMs: result.durationMs,
      },
      tx,
    );
    const reviews = (await this.proposals.listReviews(proposal.id, tx)).filter(
      (r) => r.verdict === 'APPROVE' && r.proposalRevision === proposal.revision && r.dismissal === null && r.analysisHash !== result.hash,
    );
    const sameResult = previous?.resultHash !== null && previous?.resultHash === result.resultHash;
    const carried = sameResult ? reviews.map((r) => r.id) : [];
    const dismissed = sameResult ? [] : reviews.map((r) => r.id);
    await this.proposals.rebindReviews(carried, result.hash, tx);
    await this.proposals.dismissReviews(
      dismissed,
      { reason: 'ANALYSIS_CHANGED', at: new Date(), previousHash: previous?.hash ?? null, newHash: result.hash, previousSummary: previous?.summary ?? null, newSummary: result.summary },
      tx,
    );
    const event = { actor, clusterId: proposal.clusterId, clusterName: proposal.clusterName, subjectType: 'proposal', subjectId: proposal.id };
    await this.audit.record(tx, {
      ...event,
      action: 'proposal.analyzed',
      before: previous?.hash ? { hash: previous.hash, summary: previous.summary } : null,
      after: { hash: result.hash, resultHash: result.resultHash, revision: proposal.revision, baseVersion, inventory: snapshot?.id ?? null, summary: result.summary, carriedApprovals: carried },
    });
    if (dismissed.length > 0) {
      await this.audit.record(tx, {
        ...event,
        action: 'proposal.approvals_dismissed',
        before: { hash: previous?.hash ?? null, summary: previous?.summary ?? null },
        after: { reason: 'ANALYSIS_CHANGED', hash: result.hash, summary: result.summary, reviews: dismissed, reviewers: reviews.map((r) => r.reviewer.name) },
      });
    }
    await this.refreshStatus(proposal, actor, tx);
    return { analysis, carried, dismissed };
  }

  private async storeFailure(proposal: ProposalRecord, error: string, durationMs: number, tx: TransactionClient): Promise<void> {
    await this.analyses.saveFailed(
      proposal.id,
      { revision: proposal.revision, baseVersion: proposal.baseVersion, engineVersion: ENGINE_VERSION, options: DEFAULT_ANALYSIS_OPTIONS, error, computedAt: new Date(), durationMs },
      tx,
    );
    await this.audit.record(tx, {
      actor: ANALYSIS_ACTOR,
      action: 'proposal.analysis_failed',
      clusterId: proposal.clusterId,
      clusterName: proposal.clusterName,
      subjectType: 'proposal',
      subjectId: proposal.id,
      after: { revision: proposal.revision, error },
    });
    await this.refreshStatus(proposal, ANALYSIS_ACTOR, tx);
  }

  /** Re-derives the status; a proposal approved by its rules alone (0 approvals required) is audited as such. */
  async refreshStatus(proposal: ProposalRecord, actor: Actor, tx: TransactionClient): Promise<ProposalRecord> {
    const evaluation = await this.evaluator.evaluate(proposal, tx);
    const status = deriveStatus(proposal.status, evaluation);
    const refreshed = status === proposal.status ? proposal : await this.proposals.update(proposal.id, { status }, tx);
    if (refreshed.status !== proposal.status) {
      await this.audit.record(tx, {
        actor,
        action: evaluation.approvedByRule && refreshed.status === 'APPROVED' ? 'proposal.approved_by_rule' : 'proposal.status_changed',
        clusterId: proposal.clusterId,
        clusterName: proposal.clusterName,
        subjectType: 'proposal',
        subjectId: proposal.id,
        before: { status: proposal.status },
        after: { status: refreshed.status, rules: evaluation.rules, reasons: evaluation.requiredApprovals.reasons.map((r) => r.message) },
      });
    }
    return refreshed;
  }

  /** Open proposals of a cluster, for re-analysis when its inventory changes. */
  async reanalyseCluster(clusterId: string): Promise<void> {
    const ids = await this.proposals.listActiveIds(clusterId);
    await Promise.all(ids.map((id) => this.start(id)));
  }

  /** Pending, missing or stale analyses (a restart, another replica's crash, a new snapshot from the worker). */
  async reconcile(limit = 20): Promise<number> {
    const ids = (await this.analyses.listStale(limit)).filter((id) => !this.inFlight.has(id));
    for (const id of ids) void this.start(id);
    return ids.length;
  }
}
