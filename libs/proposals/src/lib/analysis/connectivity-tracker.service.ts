import { ConnectionHistoryRecorder } from '@palisade/connection-history';
import type { Flow } from '@palisade/netpol-engine';
import {
  ClusterRepository,
  ConnectivityTrackingRepository,
  type ConnectivityTrackingRecord,
  type FailedCatchUp,
  InventorySnapshotRepository,
  type InventorySnapshotSummary,
  PolicySetVersionRepository,
  PrismaService,
  ProposalRepository,
  type TransactionClient,
} from '@palisade/persistence';
import type { Actor } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import type { FlowView } from './analysis-result.type';
import { AnalysisRunner } from './analysis-runner.service';
import { ANALYSIS_ACTOR, DEFAULT_ANALYSIS_OPTIONS } from './proposal-analysis.service';

const TRACKING_TRANSACTION = { maxWait: 30_000, timeout: 300_000 };

/**
 * After a failed background catch-up, the pass leaves the cluster alone for a minute, doubling with
 * each failure in a row up to an hour: a cluster the engine always fails on (an inventory that always
 * times out) does not take up to ANALYSIS_TIMEOUT_MS of engine time on every pass. Merges still try.
 */
export const HISTORY_RETRY_DELAY = { baseMs: 60_000, maxMs: 3_600_000 };

/** The most of an error message kept with a failed catch-up. */
const ERROR_TEXT_LIMIT = 2000;

const asFlows = (flows: FlowView[]): Flow[] => flows.map((f) => ({ from: f.from, to: f.to, ports: f.ports }));

/** What a merge opened and closed, recorded as the new head's change. */
export interface MergedChange {
  clusterId: string;
  clusterName: string;
  version: number;
  proposalId: string;
  revert: boolean;
  author: Actor;
  approvers: { id: string | null; name: string }[];
  snapshot: InventorySnapshotSummary | null;
  opened: FlowView[];
  closed: FlowView[];
}

/**
 * Keeps each cluster's connection history in step with its head version and newest inventory
 * snapshot: a merge records what its analysis opened and closed; a first version, an import or a
 * new snapshot that changes the head's connectivity is diffed here and recorded with its cause.
 */
@Injectable()
export class ConnectivityTracker {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tracking: ConnectivityTrackingRepository,
    private readonly clusters: ClusterRepository,
    private readonly versions: PolicySetVersionRepository,
    private readonly snapshots: InventorySnapshotRepository,
    private readonly proposals: ProposalRepository,
    private readonly runner: AnalysisRunner,
    private readonly recorder: ConnectionHistoryRecorder,
  ) {}

  /**
   * Brings one cluster's history up to its head and newest snapshot, in its own transaction, which
   * locks the cluster's tracking row (the rows it records take key-share locks on the cluster's row,
   * which merges' and imports' locks let through: see ClusterRepository.lockByName).
   */
  async catchUp(clusterId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const snapshot = await this.snapshots.latestSummary(clusterId, tx);
      await this.catchUpIn(clusterId, snapshot, tx);
    }, TRACKING_TRANSACTION);
  }

  /**
   * Catches the history up to the head a merge lands on, inside the merge's transaction: runs the
   * engine once per lagging version and leaves the cluster's tracking row locked. The merge calls it
   * before anything of its own takes the audit chain's lock, so audited writes elsewhere do not wait
   * on the engine; `recordMerge` then records the merge itself without running the engine.
   */
  async catchUpForMerge(clusterId: string, snapshot: InventorySnapshotSummary | null, head: number, tx: TransactionClient): Promise<ConnectivityTrackingRecord> {
    return this.catchUpIn(clusterId, snapshot, tx, head);
  }

  /** Records a merged proposal's flows as the change of the version after `tracked` (from `catchUpForMerge`). Inside the merge's transaction. */
  async recordMerge(change: MergedChange, tracked: ConnectivityTrackingRecord, tx: TransactionClient): Promise<void> {
    await this.recorder.record(tx, {
      clusterId: change.clusterId,
      clusterName: change.clusterName,
      version: change.version,
      cause: change.revert ? 'REVERT' : 'PROPOSAL',
      proposalId: change.proposalId,
      author: change.author,
      approvers: change.approvers,
      snapshotId: change.snapshot?.id ?? null,
      occurredAt: new Date(),
      opened: asFlows(change.opened),
      closed: asFlows(change.closed),
    });
    await this.tracking.save({ ...tracked, version: change.version, snapshotId: change.snapshot?.id ?? null, snapshotContentHash: change.snapshot?.contentHash ?? null }, tx);
  }

  /**
   * Steps the tracked picture to (head, snapshot): first the inventory at the tracked version
   * (cause INVENTORY, or INITIAL when nothing was known), then each newer version on that inventory.
   */
  private async catchUpIn(clusterId: string, snapshot: InventorySnapshotSummary | null, tx: TransactionClient, upTo?: number): Promise<ConnectivityTrackingRecord> {
    let tracked = await this.tracking.lock(clusterId, tx);
    const cluster = await this.clusters.findById(clusterId, tx);
    if (!cluster) return tracked;
    const head = upTo ?? cluster.headVersion;
    if (head < 1) return tracked;
    const occurredAt = new Date();
    const base = { clusterId, clusterName: cluster.name, occurredAt, approvers: [] as { id: string | null; name: string }[] };

    if (tracked.version !== null && tracked.snapshotContentHash !== (snapshot?.contentHash ?? null)) {
      const version = await this.versions.find(clusterId, tracked.version, tx);
      const previous = tracked.snapshotId ? await this.snapshots.findSummary(clusterId, tracked.snapshotId, tx) : null;
      if (version) {
        const ref = { clusterId, number: version.number, contentHash: version.contentHash };
        const delta = await this.runner.delta({ before: previous ? { version: ref, snapshot: previous } : null, after: { version: ref, snapshot }, options: DEFAULT_ANALYSIS_OPTIONS });
        await this.recorder.record(tx, {
          ...base,
          version: version.number,
          cause: previous ? 'INVENTORY' : 'INITIAL',
          proposalId: null,
          author: ANALYSIS_ACTOR,
          snapshotId: snapshot?.id ?? null,
          opened: asFlows(delta.opened),
          closed: asFlows(delta.closed),
        });
      }
      tracked = { ...tracked, snapshotId: snapshot?.id ?? null, snapshotContentHash: snapshot?.contentHash ?? null };
    }

    for (let number = (tracked.version ?? 0) + 1; number <= head; number++) {
      const version = await this.versions.find(clusterId, number, tx);
      if (!version) break;
      const previous = tracked.version === null ? null : await this.versions.find(clusterId, tracked.version, tx);
      const ref = (v: { number: number; contentHash: string }) => ({ clusterId, number: v.number, contentHash: v.contentHash });
      const delta = await this.runner.delta({
        before: previous ? { version: ref(previous), snapshot } : null,
        after: { version: ref(version), snapshot },
        options: DEFAULT_ANALYSIS_OPTIONS,
      });
      const proposal = version.sourceProposalId ? await this.proposals.findById(version.sourceProposalId, tx) : null;
      await this.recorder.record(tx, {
        ...base,
        version: number,
        cause: previous === null ? 'INITIAL' : proposal ? (proposal.revertsToVersion !== null ? 'REVERT' : 'PROPOSAL') : 'IMPORT',
        proposalId: proposal?.id ?? null,
        author: proposal?.author ?? { id: version.authorId, name: version.authorName, kind: 'human' },
        snapshotId: snapshot?.id ?? null,
        opened: asFlows(delta.opened),
        closed: asFlows(delta.closed),
      });
      tracked = { ...tracked, version: number, snapshotId: snapshot?.id ?? null, snapshotContentHash: snapshot?.contentHash ?? null };
    }
    if (tracked.version === null) tracked = { ...tracked, version: head };
    await this.tracking.save(tracked, tx);
    return tracked;
  }

  /** Counts a failed background catch-up of the cluster; the pass skips it until the returned time (null: the cluster is gone). */
  async recordFailure(clusterId: string, error: string): Promise<FailedCatchUp | null> {
    return this.tracking.recordFailure(clusterId, error.slice(0, ERROR_TEXT_LIMIT), HISTORY_RETRY_DELAY);
  }

  /** Clusters whose history lags and that are not waiting to retry a failure, for the scheduler. */
  async lagging(limit: number): Promise<string[]> {
    return this.tracking.listLagging(limit);
  }
}
