import {
  type ClusterRecord,
  ClusterRepository,
  type ClusterSyncStateRecord,
  ClusterSyncStateRepository,
  type DriftItem,
  type SyncProgress,
} from '@palisade/persistence';
import { Injectable, Logger } from '@nestjs/common';

import { isHealable, sameDrift } from './compute-drift.util';
import { RecordSyncProgressService } from './record-sync-progress.service';
import type { SyncTarget } from './sync-target.type';

/** Statuses that describe a cluster whose desired version is applied. */
const STEADY = new Set(['IN_SYNC', 'DRIFTED', 'UNREACHABLE']);

export interface DriftDecision {
  /** Heal mode and something Palisade can undo: the caller re-applies (ApplyVersionService, mode heal). */
  heal: boolean;
}

/**
 * Records what the watches see against the applied version: DRIFTED with the objects named (and an
 * audit event when the set changes), or IN_SYNC again. Only while the desired version is applied:
 * during an apply or after a failure the status says more than drift would.
 */
@Injectable()
export class RecordDriftService {
  private readonly logger = new Logger('Drift');

  constructor(
    private readonly clusters: ClusterRepository,
    private readonly syncStates: ClusterSyncStateRepository,
    private readonly recordProgress: RecordSyncProgressService,
  ) {}

  /** `version` is the version `drift` was computed against. */
  async execute(target: SyncTarget, version: number, drift: DriftItem[]): Promise<DriftDecision> {
    const { cluster, state } = await this.load(target);
    if (!cluster || !state || !this.isSteady(cluster, state, version)) return { heal: false };
    const healable = drift.some(isHealable);
    if (drift.length === 0) {
      if (state.status !== 'IN_SYNC') {
        await this.write(target, cluster, { status: 'IN_SYNC', drift: [], driftDetectedAt: null, lastError: null, lastErrorAt: null }, state.status === 'DRIFTED' ? 'sync.drift_resolved' : null, state);
      }
      return { heal: false };
    }
    if (state.status !== 'DRIFTED' || !sameDrift(state.drift, drift)) {
      const newlyDrifted = state.status !== 'DRIFTED' || state.drift.length === 0;
      await this.write(
        target,
        cluster,
        { status: 'DRIFTED', drift, driftDetectedAt: newlyDrifted ? new Date() : (state.driftDetectedAt ?? new Date()), lastError: null, lastErrorAt: null },
        sameDrift(state.drift, drift) ? null : 'sync.drift_detected',
        state,
      );
      this.logger.warn(`${target.clusterName} drifted from version ${version}: ${drift.map((d) => `${d.kind} ${d.namespace}/${d.name}`).join(', ')}`);
    }
    return { heal: state.driftMode === 'HEAL' && healable };
  }

  /**
   * The watches cannot reach the server while the cluster is otherwise steady (or, with `always`,
   * the worker cannot even build a client for it).
   */
  async unreachable(target: SyncTarget, message: string, always = false): Promise<void> {
    const { cluster, state } = await this.load(target);
    if (!cluster || !state) return;
    if (!always && (cluster.desiredVersion === null || !this.isSteady(cluster, state, cluster.desiredVersion))) return;
    if (state.status === 'UNREACHABLE' && state.lastError === message) return;
    await this.write(target, cluster, { status: 'UNREACHABLE', lastError: message, lastErrorAt: new Date() }, null, state);
  }

  private isSteady(cluster: ClusterRecord, state: ClusterSyncStateRecord, version: number): boolean {
    // A failed heal whose refusal was withdrawn (a retry request) is steady again.
    const status = state.status === 'FAILED' && state.failedVersion !== version ? 'IN_SYNC' : state.status;
    return cluster.desiredVersion === version && state.appliedVersion === version && STEADY.has(status);
  }

  private async load(target: SyncTarget): Promise<{ cluster: ClusterRecord | null; state: ClusterSyncStateRecord | null }> {
    const [cluster, state] = await Promise.all([this.clusters.findByName(target.clusterName), this.syncStates.find(target.lease.clusterId)]);
    return { cluster, state };
  }

  /** Records the progress, with an audit event when `action` is given (what changed in the drift). */
  private async write(target: SyncTarget, cluster: ClusterRecord, progress: SyncProgress, action: string | null, before: ClusterSyncStateRecord): Promise<void> {
    const event = action
      ? {
          cluster,
          action,
          before: { status: before.status, drift: before.drift },
          after: { status: progress.status, appliedVersion: before.appliedVersion, drift: progress.drift },
        }
      : undefined;
    await this.recordProgress.execute(target, progress, event);
  }
}
