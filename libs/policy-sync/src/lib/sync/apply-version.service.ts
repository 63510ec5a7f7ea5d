import type { NetworkPolicy } from '@palisade/netpol-engine';
import {
  ClusterConnectionRepository,
  type ClusterRecord,
  ClusterRepository,
  type ClusterSyncStateRecord,
  ClusterSyncStateRepository,
  type DriftItem,
  LeaseLostError,
  PolicySetVersionRepository,
  type SyncConflict,
} from '@palisade/persistence';
import { Injectable, Logger } from '@nestjs/common';

import { unsupportedFields } from '../capabilities/cluster-capabilities.util';
import type { KubeClient } from '../kube/kube-client';
import { KubeRequestError } from '../kube/kube-request.error';
import { backoffDelay } from './backoff.util';
import {
  ALL_NETWORK_POLICIES_PATH,
  type DesiredPolicy,
  FIELD_MANAGER,
  isUpToDate,
  type LivePolicy,
  isManagedFor,
  managedSelector,
  networkPolicyPath,
  toAppliedObject,
  toDesiredPolicy,
  toLivePolicy,
} from './managed-policy.util';
import { RecordSyncProgressService } from './record-sync-progress.service';
import { SyncAbortedError, type SyncTarget, type SyncTuning } from './sync-target.type';

export type ApplyMode = 'apply' | 'heal';

export type ApplyOutcome =
  | { kind: 'idle' }
  | { kind: 'waiting'; until: Date }
  | { kind: 'applied'; version: number; changed: number; unchanged: number; pruned: number }
  | { kind: 'failed'; version: number; message: string }
  | { kind: 'retrying'; version: number; attempts: number; nextRetryAt: Date; message: string };

interface ApplyResult {
  changed: number;
  unchanged: number;
  pruned: number;
  conflicts: SyncConflict[];
  rejections: { key: string; message: string }[];
}

const MANAGER_IN_CONFLICT = /conflict with "([^"]+)"/;

function describeConflicts(conflicts: readonly SyncConflict[], total: number): string {
  const shown = conflicts
    .slice(0, 5)
    .map((c) => `${c.namespace}/${c.name} ${c.field} is owned by field manager "${c.manager}"`)
    .join('; ');
  const more = conflicts.length > 5 ? `; and ${conflicts.length - 5} more` : '';
  return `conflict in ${total} polic${total === 1 ? 'y' : 'ies'}: ${shown}${more}. Palisade does not overwrite it; set forceConflicts to take the fields over`;
}

/**
 * Makes the cluster's desired version live: server-side apply (field manager `palisade`) of every
 * policy that differs, then deletion of managed objects the version no longer has. Never touches a
 * NetworkPolicy without the managed-by label. Every write is preceded by a lease check; progress
 * and outcome are written fenced, with an audit event, in one transaction.
 */
@Injectable()
export class ApplyVersionService {
  private readonly logger = new Logger('ApplyVersion');

  constructor(
    private readonly clusters: ClusterRepository,
    private readonly versions: PolicySetVersionRepository,
    private readonly syncStates: ClusterSyncStateRepository,
    private readonly connections: ClusterConnectionRepository,
    private readonly recordProgress: RecordSyncProgressService,
  ) {}

  /**
   * `apply` acts when the desired version differs from the applied one (and is neither refused nor
   * waiting for a retry); `heal` re-applies the applied version, taking fields back from whoever
   * edited them (force).
   * @throws LeaseLostError when the lease is gone: the caller must stop working on the cluster.
   */
  async execute(
    target: SyncTarget,
    client: KubeClient,
    tuning: SyncTuning,
    mode: ApplyMode = 'apply',
    /** Drift applying cannot undo (policies Palisade does not manage, as the watches see them): still reported afterwards. */
    unhealable: DriftItem[] = [],
  ): Promise<ApplyOutcome> {
    const cluster = await this.clusters.findByName(target.clusterName);
    const state = await this.syncStates.find(target.lease.clusterId);
    if (!cluster || !state || cluster.desiredVersion === null) return { kind: 'idle' };
    const desired = cluster.desiredVersion;
    if (mode === 'apply') {
      if (state.appliedVersion === desired || state.failedVersion === desired) return { kind: 'idle' };
      if (state.nextRetryAt && state.nextRetryAt.getTime() > Date.now()) return { kind: 'waiting', until: state.nextRetryAt };
    } else if (state.appliedVersion !== desired) {
      return { kind: 'idle' };
    }
    const version = await this.versions.findWithPolicies(cluster.id, desired);
    if (!version) return { kind: 'idle' };

    const connection = await this.connections.findByClusterId(cluster.id);
    if (connection) {
      const unsupported = unsupportedFields(version.policies.map((p) => p.manifest as NetworkPolicy), connection.capabilities, connection.serverVersion);
      if (unsupported.length > 0) {
        const message = `version ${desired} uses fields the cluster cannot store: ${unsupported.map((u) => `${u.policy} ${u.path} (${u.reason})`).join('; ')}`;
        return this.refuse(target, cluster, state, desired, message, []);
      }
    }

    const started = Date.now();
    this.logger.log(`${mode} ${target.clusterName} version ${desired} (${version.policies.length} policies) started`);
    await this.recordProgress.execute(target, { status: 'SYNCING' });
    try {
      const desiredPolicies = version.policies.map(toDesiredPolicy);
      const force = mode === 'heal' || state.forceConflicts;
      const result = await this.applyObjects(target, client, desiredPolicies, desired, force, tuning);
      if (result.conflicts.length > 0 || result.rejections.length > 0) {
        const parts: string[] = [];
        if (result.rejections.length > 0) {
          parts.push(`the API server rejected ${result.rejections.length} polic${result.rejections.length === 1 ? 'y' : 'ies'}: ${result.rejections.slice(0, 5).map((r) => `${r.key}: ${r.message}`).join('; ')}`);
        }
        if (result.conflicts.length > 0) {
          parts.push(describeConflicts(result.conflicts, new Set(result.conflicts.map((c) => `${c.namespace}/${c.name}`)).size));
        }
        return this.refuse(target, cluster, state, desired, parts.join('. '), result.conflicts);
      }
      await this.recordProgress.execute(
        target,
        {
          status: unhealable.length > 0 ? 'DRIFTED' : 'IN_SYNC',
          appliedVersion: desired,
          failedVersion: null,
          attempts: 0,
          nextRetryAt: null,
          lastError: null,
          lastErrorAt: null,
          lastAppliedAt: new Date(),
          conflicts: [],
          drift: unhealable,
          driftDetectedAt: unhealable.length > 0 ? (state.driftDetectedAt ?? new Date()) : null,
        },
        {
          cluster,
          action: mode === 'heal' ? 'sync.healed' : 'sync.applied',
          before: mode === 'heal' ? { status: state.status, drift: state.drift } : { appliedVersion: state.appliedVersion },
          after: { appliedVersion: desired, changed: result.changed, unchanged: result.unchanged, pruned: result.pruned, forced: force },
        },
      );
      this.logger.log(`${mode} ${target.clusterName} version ${desired} done in ${Date.now() - started} ms (${result.changed} applied, ${result.unchanged} unchanged, ${result.pruned} pruned)`);
      return { kind: 'applied', version: desired, changed: result.changed, unchanged: result.unchanged, pruned: result.pruned };
    } catch (error) {
      if (error instanceof LeaseLostError || error instanceof SyncAbortedError) throw error;
      if (error instanceof KubeRequestError && error.kind !== 'transient') {
        return this.refuse(target, cluster, state, desired, error.message, []);
      }
      const message = error instanceof Error ? error.message : String(error);
      const attempts = state.attempts + 1;
      const retryAfter = error instanceof KubeRequestError ? (error.options.retryAfterMs ?? 0) : 0;
      const nextRetryAt = new Date(Date.now() + Math.max(backoffDelay(attempts, tuning.retry), retryAfter));
      await this.recordProgress.execute(
        target,
        { status: 'UNREACHABLE', attempts, nextRetryAt, lastError: message, lastErrorAt: new Date() },
        { cluster, action: 'sync.failed', before: { appliedVersion: state.appliedVersion }, after: { version: desired, mode, retryable: true, attempts, nextRetryAt, error: message } },
      );
      this.logger.warn(`${mode} ${target.clusterName} version ${desired} failed (attempt ${attempts}, retry at ${nextRetryAt.toISOString()}): ${message}`);
      return { kind: 'retrying', version: desired, attempts, nextRetryAt, message };
    }
  }

  /** Marks the version FAILED: the worker leaves it alone until a new version or a retry request. */
  private async refuse(
    target: SyncTarget,
    cluster: ClusterRecord,
    state: ClusterSyncStateRecord,
    version: number,
    message: string,
    conflicts: SyncConflict[],
  ): Promise<ApplyOutcome> {
    await this.recordProgress.execute(
      target,
      { status: 'FAILED', failedVersion: version, attempts: state.attempts + 1, nextRetryAt: null, lastError: message, lastErrorAt: new Date(), conflicts },
      { cluster, action: 'sync.failed', before: { appliedVersion: state.appliedVersion }, after: { version, retryable: false, error: message, conflicts } },
    );
    this.logger.warn(`apply ${target.clusterName} version ${version} refused: ${message}`);
    return { kind: 'failed', version, message };
  }

  private async applyObjects(
    target: SyncTarget,
    client: KubeClient,
    desired: DesiredPolicy[],
    version: number,
    force: boolean,
    tuning: SyncTuning,
  ): Promise<ApplyResult> {
    const live = await this.listManaged(client, target.clusterName);
    const todo = desired.filter((d) => !isUpToDate(d, live.get(d.key), target.clusterName));
    const result: ApplyResult = { changed: 0, unchanged: desired.length - todo.length, pruned: 0, conflicts: [], rejections: [] };

    await runBounded(todo, tuning.parallelism, async (policy) => {
      if (tuning.signal?.aborted) throw new SyncAbortedError();
      await this.syncStates.assertHeld(target.lease, tuning.leaseMarginMs);
      try {
        await client.apply(networkPolicyPath(policy.namespace, policy.name), toAppliedObject(policy, version, target.clusterName), FIELD_MANAGER, force);
        result.changed++;
      } catch (error) {
        if (!(error instanceof KubeRequestError) || error.kind === 'transient') throw error;
        if (error.kind === 'conflict') {
          for (const cause of error.options.causes ?? []) {
            result.conflicts.push({
              namespace: policy.namespace,
              name: policy.name,
              field: cause.field ?? '?',
              manager: MANAGER_IN_CONFLICT.exec(cause.message ?? '')?.[1] ?? 'unknown',
            });
          }
        } else {
          result.rejections.push({ key: policy.key, message: error.message });
        }
      }
    });
    // A version that did not apply cleanly leaves the old policies in place: pruning could open traffic.
    if (result.conflicts.length > 0 || result.rejections.length > 0) return result;

    const wanted = new Set(desired.map((d) => d.key));
    const stale = [...live.values()].filter((l) => isManagedFor(l, target.clusterName) && !wanted.has(l.key));
    await runBounded(stale, tuning.parallelism, async (policy) => {
      if (tuning.signal?.aborted) throw new SyncAbortedError();
      await this.syncStates.assertHeld(target.lease, tuning.leaseMarginMs);
      try {
        // The uid precondition keeps a same-named object created meanwhile from being deleted.
        await client.delete(networkPolicyPath(policy.namespace, policy.name), {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          preconditions: { uid: policy.uid },
        });
        result.pruned++;
      } catch (error) {
        if (error instanceof KubeRequestError && (error.status === 404 || error.status === 409)) return;
        throw error;
      }
    });
    return result;
  }

  private async listManaged(client: KubeClient, clusterName: string): Promise<Map<string, LivePolicy>> {
    const live = new Map<string, LivePolicy>();
    let token: string | undefined;
    do {
      const page = await client.get<{ items?: unknown[]; metadata?: { continue?: string } }>(ALL_NETWORK_POLICIES_PATH, {
        query: { labelSelector: managedSelector(clusterName), limit: 500, continue: token },
      });
      for (const raw of page.items ?? []) {
        const policy = toLivePolicy(raw);
        live.set(policy.key, policy);
      }
      token = page.metadata?.continue || undefined;
    } while (token);
    return live;
  }
}

/**
 * Runs `work` over `items` with at most `limit` in flight. The first error stops new items from
 * starting; in-flight ones finish; then it is thrown.
 */
export async function runBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(lanes);
  if (failure) throw failure.error;
}
