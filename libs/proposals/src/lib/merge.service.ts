import { AuditRecorder } from '@palisade/audit';
import type { NetworkPolicy } from '@palisade/netpol-engine';
import {
  ClusterRepository,
  InventorySnapshotRepository,
  type InventorySnapshotSummary,
  PolicySetVersionRepository,
  PrismaService,
  ProposalAnalysisRepository,
  type ProposalRecord,
  ProposalRepository,
} from '@palisade/persistence';
import { toStoredPolicies } from '@palisade/policy-versions';
import { type Caller, CommonErrorCode, DomainException, hasRole } from '@palisade/shared-types';
import { Injectable, Logger } from '@nestjs/common';

import { AnalysisFailedError } from './analysis/analysis-failed.error';
import { AnalysisInterruptedError } from './analysis/analysis-interrupted.error';
import type { AnalysisSummary, ChangeAnalysis, FlowView } from './analysis/analysis-result.type';
import { ConnectivityTracker } from './analysis/connectivity-tracker.service';
import { ProposalAnalysisService } from './analysis/proposal-analysis.service';
import { ApprovalEvaluator } from './approval-evaluator.service';
import { applyChanges, changedKeys, type PolicyRef } from './proposal-changes.util';
import { gone, isAuthor } from './proposal-access.util';
import type { ProposalView } from './proposal.view';
import { ProposalsErrorCode, ProposalsException } from './proposals.exception';
import { closed, proposalSummary, ProposalsService, versionNotFound } from './proposals.service';

// Merges queue on the cluster row lock; give a burst of them time rather than failing the late ones.
const MERGE_TRANSACTION = { maxWait: 60_000, timeout: 120_000 };

type MergeOutcome =
  | { kind: 'merged'; id: string }
  | { kind: 'conflicted'; overlap: string[]; head: number }
  | { kind: 'not-approved'; reason: string }
  | { kind: 'analysis-not-ready'; code: ProposalsErrorCode.ANALYSIS_PENDING | ProposalsErrorCode.ANALYSIS_FAILED; reason: string }
  | { kind: 'analysis-changed'; head: number; approved: AnalysisSummary | null; now: AnalysisSummary };

/** The re-analysis against the head run before the merge's transaction, and the inputs it was run for. */
interface Reanalysis {
  /** reanalysisInputs of the run. */
  inputs: string;
  /** The engine's failure is kept, not answered: the transaction's own refusals come first. */
  outcome: ChangeAnalysis | AnalysisFailedError;
}

/** What a re-analysis is run for: the proposal's revision, the head (number and content) and the newest snapshot (id and content). */
function reanalysisInputs(
  proposal: Pick<ProposalRecord, 'id' | 'revision'>,
  head: { number: number; contentHash: string },
  snapshot: Pick<InventorySnapshotSummary, 'id' | 'contentHash'> | null,
): string {
  return JSON.stringify([proposal.id, proposal.revision, head.number, head.contentHash, snapshot?.id ?? null, snapshot?.contentHash ?? null]);
}

/** The engine failed (an engine error, a timeout) while the merge caught the connection history up: thrown to roll the merge back. */
class HistoryStepFailedError extends Error {
  override readonly name = 'HistoryStepFailedError';
}

/**
 * The merge's error when the engine threads stopped under its analysis or its connection history
 * step (shutdown), or the engine failed at the history step: the transaction has rolled back,
 * nothing of the merge is stored, and it may be sent again. Other errors pass unchanged.
 */
const notMergedWhenEngineStops =
  (id: string) =>
  (error: unknown): never => {
    if (error instanceof AnalysisInterruptedError) {
      throw new DomainException(CommonErrorCode.SERVICE_UNAVAILABLE, `proposal ${id} was not merged: the service is shutting down; nothing was stored, send the merge again`);
    }
    if (error instanceof HistoryStepFailedError) {
      throw new ProposalsException(
        ProposalsErrorCode.ANALYSIS_FAILED,
        `proposal ${id} was not merged: the connection history could not be brought up to date (${error.message}); nothing was stored, send the merge again (its analysis needs no retry)`,
      );
    }
    throw error;
  };

@Injectable()
export class MergeService {
  private readonly logger = new Logger(MergeService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterRepository,
    private readonly proposals: ProposalRepository,
    private readonly versions: PolicySetVersionRepository,
    private readonly proposalService: ProposalsService,
    private readonly evaluator: ApprovalEvaluator,
    private readonly audit: AuditRecorder,
    private readonly analyses: ProposalAnalysisRepository,
    private readonly analysis: ProposalAnalysisService,
    private readonly snapshots: InventorySnapshotRepository,
    private readonly tracker: ConnectivityTracker,
  ) {}

  /**
   * Makes an APPROVED proposal the cluster's next version (author, approvers, admins). Merges of one
   * cluster are serialised on its row lock, so numbers stay gap-free and each change lands once. When
   * the head moved since the base, changes disjoint from what moved are rebased onto the head;
   * overlapping ones mark the proposal CONFLICTED (stored) and answer 409. The engine runs (history
   * catch-up, re-analysis against a moved head or a newer snapshot) before the transaction, without
   * the cluster's lock; inside it only for what moved meanwhile. Interrupted by shutdown,
   * it stores nothing and answers 503 SERVICE_UNAVAILABLE; when the engine fails while catching the
   * connection history up, it stores nothing and answers 409 ANALYSIS_FAILED.
   */
  async merge(id: string, caller: Caller): Promise<ProposalView> {
    const found = await this.proposalService.findVisible(id, caller);
    if (!isAuthor(found, caller) && !hasRole(caller.principal, ['approver', 'admin'])) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'only the author, an approver or an admin may merge a proposal');
    }
    const actor = caller.principal.actor;
    // The connection history is caught up first, in a transaction of its own, which locks the
    // cluster's tracking row only: the engine runs for it without the merge holding the cluster's
    // lock, and the merge's transaction (MERGE_TRANSACTION's timeout) is left with what landed
    // meanwhile. Its failure is not the answer yet: the transaction's own refusals (conflict,
    // approvals, analysis) come first, and the engine is not asked again for the same step.
    let historyFailure: AnalysisFailedError | undefined;
    if (found.status === 'APPROVED') {
      try {
        await this.tracker.catchUp(found.clusterId);
      } catch (error) {
        if (error instanceof AnalysisInterruptedError) notMergedWhenEngineStops(found.id)(error);
        if (error instanceof AnalysisFailedError) historyFailure = error;
        // Anything else (a database error): the transaction catches the history up itself.
        else this.logger.warn(`merge of proposal ${found.id}: connection history not caught up before the merge (${(error as Error).message}); catching up inside it`);
      }
    }
    // The re-analysis against a moved head (or a newer snapshot) likewise: the transaction uses it
    // when the locked rows show the same head, snapshot and revision, and computes again otherwise.
    // After a history failure the transaction refuses before it would need one.
    const reanalysis = found.status === 'APPROVED' && !historyFailure ? await this.reanalyseBeforeLock(found) : undefined;
    const merging = this.prisma.$transaction(async (tx): Promise<MergeOutcome> => {
      // Lock order everywhere: cluster row, proposal row, connectivity tracking row, then (in the recorder) the audit chain head.
      const cluster = (await this.clusters.lockByName(found.clusterName, tx)) ?? gone(found.id);
      const proposal = (await this.proposals.lockById(found.id, tx)) ?? gone(found.id);
      if (proposal.status === 'MERGED' || proposal.status === 'WITHDRAWN' || proposal.status === 'REJECTED') throw closed(proposal, 'merged');
      if (proposal.status === 'CONFLICTED') return { kind: 'conflicted', overlap: proposal.conflictPolicies, head: cluster.headVersion };
      const approved = await this.analyses.findByProposal(proposal.id, tx);
      if (!approved || approved.revision !== proposal.revision || approved.status === 'PENDING') {
        return { kind: 'analysis-not-ready', code: ProposalsErrorCode.ANALYSIS_PENDING, reason: 'its analysis is not ready yet' };
      }
      if (approved.status === 'FAILED') {
        return { kind: 'analysis-not-ready', code: ProposalsErrorCode.ANALYSIS_FAILED, reason: `its analysis failed (${approved.error ?? 'unknown error'}); retry it` };
      }
      const evaluation = await this.evaluator.evaluate(proposal, tx);
      if (!evaluation.satisfied) {
        const reason =
          evaluation.blockedBy.length > 0
            ? `changes were requested by ${evaluation.blockedBy.map((r) => r.name).join(', ')}`
            : `it needs ${evaluation.missing.approvals} more approval(s)${evaluation.missing.groups.length ? ` and approval from group(s) ${evaluation.missing.groups.join(', ')}` : ''}`;
        return { kind: 'not-approved', reason };
      }
      const load = async (number: number): Promise<NetworkPolicy[]> => {
        const version = await this.versions.findWithPolicies(cluster.id, number, tx);
        if (!version) throw versionNotFound(cluster.name, number);
        return version.policies.map((p) => p.manifest as NetworkPolicy);
      };
      const base = await load(proposal.baseVersion);
      const head = cluster.headVersion === proposal.baseVersion ? base : await load(cluster.headVersion);
      if (head !== base) {
        const moved = changedKeys(base, head);
        const overlap = proposal.touchedPolicies.filter((key) => moved.has(key));
        if (overlap.length > 0) {
          const conflicted = await this.proposals.update(proposal.id, { status: 'CONFLICTED', conflictPolicies: overlap }, tx);
          await this.audit.record(tx, {
            actor,
            action: 'proposal.conflicted',
            clusterId: cluster.id,
            clusterName: cluster.name,
            subjectType: 'proposal',
            subjectId: proposal.id,
            before: proposalSummary(proposal),
            after: { ...proposalSummary(conflicted), headVersion: cluster.headVersion, conflictPolicies: overlap },
            request: caller.request,
          });
          return { kind: 'conflicted', overlap, head: cluster.headVersion };
        }
      }
      const headRecord = await this.versions.find(cluster.id, cluster.headVersion, tx);
      if (!headRecord) throw versionNotFound(cluster.name, cluster.headVersion);
      const snapshot = await this.snapshots.latestSummary(cluster.id, tx);
      // The connection history is caught up to the head here, before anything below takes the audit
      // chain's lock (storing a new analysis, the merged event): the engine runs while only this
      // cluster's rows are locked. What it records stays if the merge is then refused for its analysis.
      let tracked;
      try {
        if (historyFailure) throw historyFailure;
        tracked = await this.tracker.catchUpForMerge(cluster.id, snapshot, cluster.headVersion, tx);
      } catch (error) {
        // Thrown, not returned: nothing of the merge is stored.
        if (error instanceof AnalysisFailedError) throw this.historyStepFailed(proposal.id, cluster.name, error);
        throw error;
      }
      // Never merge a delta nobody approved: analyse again against the head it lands on and the newest
      // snapshot (here only when they or the revision moved since the run before the transaction).
      let flows: { opened: FlowView[]; closed: FlowView[] } | null = null;
      if (this.analysis.expectedHash(approved, headRecord.contentHash, snapshot) !== approved.hash) {
        const precomputed = reanalysis?.inputs === reanalysisInputs(proposal, headRecord, snapshot) ? reanalysis.outcome : undefined;
        let result: ChangeAnalysis;
        try {
          if (precomputed instanceof AnalysisFailedError) throw precomputed;
          result = precomputed ?? (await this.analysis.compute(proposal, { number: headRecord.number, contentHash: headRecord.contentHash }, snapshot));
        } catch (error) {
          if (!(error instanceof AnalysisFailedError)) throw error;
          return { kind: 'analysis-not-ready', code: ProposalsErrorCode.ANALYSIS_FAILED, reason: `its analysis against version ${cluster.headVersion} failed (${error.message})` };
        }
        if (result.hash !== approved.hash) {
          const stored = await this.analysis.store(proposal, result, snapshot, actor, tx, cluster.headVersion);
          if (result.resultHash !== approved.resultHash || stored.dismissed.length > 0) {
            return { kind: 'analysis-changed', head: cluster.headVersion, approved: approved.summary as AnalysisSummary | null, now: result.summary };
          }
        }
        flows = result.flows;
      }
      flows ??= ((await this.analyses.flows(proposal.id, tx)) as { opened: FlowView[]; closed: FlowView[] } | null) ?? { opened: [], closed: [] };
      const changes = { upsert: proposal.changes.upsert as NetworkPolicy[], delete: proposal.changes.delete as PolicyRef[] };
      const { contentHash, stored } = toStoredPolicies(applyChanges(head, changes));
      const version = await this.versions.append(
        {
          clusterId: cluster.id,
          contentHash,
          authorId: proposal.author.id,
          authorName: proposal.author.name,
          origin: 'PROPOSAL',
          sourceProposalId: proposal.id,
          policies: stored,
        },
        tx,
      );
      const merged = await this.proposals.update(
        proposal.id,
        {
          status: 'MERGED',
          mergedVersion: version.number,
          mergedOntoVersion: cluster.headVersion,
          closedAt: new Date(),
          closedBy: { id: actor.id, name: actor.name },
        },
        tx,
      );
      await this.audit.record(tx, {
        actor,
        action: 'proposal.merged',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subjectType: 'proposal',
        subjectId: proposal.id,
        before: { ...proposalSummary(proposal), headVersion: cluster.headVersion },
        after: {
          ...proposalSummary(merged),
          version: version.number,
          versionId: version.id,
          mergedOntoVersion: cluster.headVersion,
          rebased: cluster.headVersion !== proposal.baseVersion,
          contentHash,
          approvers: evaluation.received.approvers,
        },
        request: caller.request,
      });
      await this.tracker.recordMerge(
        {
          clusterId: cluster.id,
          clusterName: cluster.name,
          version: version.number,
          proposalId: proposal.id,
          revert: proposal.revertsToVersion !== null,
          author: proposal.author,
          approvers: evaluation.received.approvers,
          snapshot,
          opened: flows.opened,
          closed: flows.closed,
        },
        tracked,
        tx,
      );
      return { kind: 'merged', id: merged.id };
    }, MERGE_TRANSACTION);
    const outcome = await merging.catch(notMergedWhenEngineStops(found.id));

    if (outcome.kind === 'analysis-not-ready') {
      throw new ProposalsException(outcome.code, `proposal ${found.id} cannot be merged: ${outcome.reason}`);
    }
    if (outcome.kind === 'analysis-changed') {
      const counts = (s: AnalysisSummary | null) => (s ? `${s.flowsOpened} opened, ${s.flowsWidened} widened, ${s.flowsClosed} closed, max severity ${s.maxSeverity}` : 'none');
      throw new ProposalsException(
        ProposalsErrorCode.ANALYSIS_CHANGED,
        `proposal ${found.id} was not merged: on version ${outcome.head} and the newest inventory it does something else than what was approved (approved: ${counts(outcome.approved)}; now: ${counts(outcome.now)}); it is back in review`,
      );
    }
    if (outcome.kind === 'not-approved') {
      throw new ProposalsException(ProposalsErrorCode.PROPOSAL_NOT_APPROVED, `proposal ${found.id} is not approved: ${outcome.reason}`);
    }
    if (outcome.kind === 'conflicted') {
      throw new ProposalsException(
        ProposalsErrorCode.PROPOSAL_CONFLICTED,
        `proposal ${found.id} conflicts with version ${outcome.head}: both change ${outcome.overlap.join(', ')}`,
        outcome.overlap.map((key) => ({ path: key, message: 'changed both by this proposal and by a version merged since its base' })),
      );
    }
    return this.proposalService.get(outcome.id, caller);
  }

  /** Runs of reanalyseBeforeLock in flight in this process, by reanalysisInputs. */
  private readonly reanalysesInFlight = new Map<string, Promise<ChangeAnalysis | AnalysisFailedError>>();

  /**
   * Reads without locks what the transaction will (approved analysis, head, newest snapshot) and,
   * when the approved analysis is not for them, runs the engine against them (one run for merges of
   * the same proposal and inputs in flight together). Shutdown answers 503 at once; an engine failure
   * is kept for the transaction; other errors leave the run to it.
   */
  private async reanalyseBeforeLock(proposal: ProposalRecord): Promise<Reanalysis | undefined> {
    try {
      const approved = await this.analyses.findByProposal(proposal.id);
      if (approved?.status !== 'READY' || approved.revision !== proposal.revision) return undefined;
      const cluster = await this.clusters.findById(proposal.clusterId);
      const head = cluster && (await this.versions.find(cluster.id, cluster.headVersion));
      if (!head) return undefined;
      const snapshot = await this.snapshots.latestSummary(proposal.clusterId);
      if (this.analysis.expectedHash(approved, head.contentHash, snapshot) === approved.hash) return undefined;
      const inputs = reanalysisInputs(proposal, head, snapshot);
      // Merges of one proposal sent together (a retrying bot) share one run: each would otherwise
      // queue a full engine run of its own, and the engine's queue is shared with every analysis.
      let run = this.reanalysesInFlight.get(inputs);
      if (!run) {
        run = this.analysis
          .compute(proposal, { number: head.number, contentHash: head.contentHash }, snapshot)
          .catch((error: unknown) => {
            if (error instanceof AnalysisFailedError) return error;
            throw error;
          })
          .finally(() => this.reanalysesInFlight.delete(inputs));
        this.reanalysesInFlight.set(inputs, run);
      }
      return { inputs, outcome: await run };
    } catch (error) {
      if (error instanceof AnalysisInterruptedError) notMergedWhenEngineStops(proposal.id)(error);
      this.logger.warn(`merge of proposal ${proposal.id}: not analysed again before the merge (${(error as Error).message}); analysing inside it`);
      return undefined;
    }
  }

  /** The merge's refusal when the engine failed catching the connection history up (logged here; mapped by notMergedWhenEngineStops). */
  private historyStepFailed(proposalId: string, clusterName: string, error: AnalysisFailedError): HistoryStepFailedError {
    this.logger.warn(`merge of proposal ${proposalId} into cluster ${clusterName} not carried out: connection history not caught up: ${error.message}`);
    return new HistoryStepFailedError(error.message, { cause: error });
  }
}
