import type { HeldCluster, PolicySetVersionRepository } from '@palisade/persistence';
import { LeaseLostError } from '@palisade/persistence';
import {
  ALL_NETWORK_POLICIES_PATH,
  type ApplyVersionService,
  backoffDelay,
  computeDrift,
  type ConnectionCredentialsStore,
  type DesiredPolicy,
  InventoryCache,
  type InventoryCollection,
  type InventoryService,
  isHealable,
  KubeClient,
  type LivePolicy,
  ListWatch,
  type RecordDriftService,
  SyncAbortedError,
  type SyncTarget,
  toCompactNamespace,
  toCompactOwner,
  toCompactPod,
  toDesiredPolicy,
  toLivePolicy,
} from '@palisade/policy-sync';
import { Logger } from '@nestjs/common';
import type { Histogram } from 'prom-client';

import type { BoundedPool } from './bounded-pool';
import type { WorkerSettings } from './worker-settings';

export interface AgentDeps {
  apply: ApplyVersionService;
  drift: RecordDriftService;
  inventory: InventoryService;
  credentials: ConnectionCredentialsStore;
  versions: PolicySetVersionRepository;
  pool: BoundedPool;
  settings: WorkerSettings;
  /** palisade_apply_duration_seconds{cluster, mode, outcome}: applies and heals, pool wait excluded. */
  applyDuration: Histogram<'cluster' | 'mode' | 'outcome'>;
}

const INVENTORY_PATHS = {
  namespaces: '/api/v1/namespaces',
  pods: '/api/v1/pods',
  replicaSets: '/apis/apps/v1/replicasets',
  jobs: '/apis/batch/v1/jobs',
} as const;

/**
 * The informers and the work queue of one cluster a worker holds. NetworkPolicy watches feed drift
 * detection; namespace, pod, ReplicaSet and Job watches feed the inventory. Work on the cluster
 * (apply, drift, heal) runs one task at a time; applies and heals also take a slot in the worker's
 * pool. Losing the lease stops everything.
 */
export class ClusterAgent {
  private readonly logger: Logger;
  private readonly stopping = new AbortController();
  private client?: KubeClient;
  private policyInformer?: ListWatch<LivePolicy>;
  private readonly informers: ListWatch<unknown>[] = [];
  private live = new Map<string, LivePolicy>();
  private liveSynced = false;
  private readonly inventory = new InventoryCache();
  private readonly inventorySynced = new Set<string>();
  private snapshotRevision = -1;
  private snapshotting = false;
  private desired?: { version: number; policies: Map<string, DesiredPolicy> };
  private readonly queue = new Set<'reconcile' | 'drift'>();
  private unreachable: string | null = null;
  private running = false;
  private drained: Promise<void> = Promise.resolve();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private intervals: NodeJS.Timeout[] = [];
  private healAttempts = 0;
  /**
   * What the last drift evaluation recorded (version, state it was judged against, drift found).
   * An evaluation that would record the same again skips the database: with many clusters on one
   * API server every watch event reaches every agent. Forgotten whenever this agent writes
   * otherwise, the poll shows a change, or the informer lists afresh.
   */
  private recorded: string | null = null;
  private nextHealAt = 0;
  private stopped = false;

  constructor(
    private held: HeldCluster,
    private readonly deps: AgentDeps,
    private readonly onLost: (agent: ClusterAgent) => void,
  ) {
    this.logger = new Logger(`Cluster ${held.clusterName}`);
  }

  get target(): SyncTarget {
    return { lease: this.held.lease, clusterName: this.held.clusterName };
  }

  get lease(): HeldCluster['lease'] {
    return this.held.lease;
  }

  /** True when `held` still describes the lease and connection this agent was started with. */
  matches(held: HeldCluster): boolean {
    return held.lease.token === this.held.lease.token && held.connectionUpdatedAt.getTime() === this.held.connectionUpdatedAt.getTime();
  }

  async start(): Promise<void> {
    try {
      const loaded = await this.deps.credentials.load(this.held.lease.clusterId);
      if (!loaded) return;
      const { settings } = this.deps;
      this.client = await KubeClient.connect(loaded.credentials, {
        requestTimeoutMs: settings.kubeRequestTimeoutMs,
        userAgent: settings.userAgent,
        // Five watches hold a socket each; applies get their own lanes on top.
        maxSockets: settings.tuning.parallelism + 6,
      });
    } catch (error) {
      const message = `cannot connect: ${error instanceof Error ? error.message : String(error)}`;
      this.logger.error(message);
      await this.deps.drift.unreachable(this.target, message, true).catch(() => undefined);
      return;
    }
    this.logger.log(`serving (lease token ${this.held.lease.token})`);
    this.startInformers(this.client);
    this.enqueue('reconcile');
  }

  /** Fresh poll data for this cluster: new desired version, refused version cleared, mode changed. */
  update(held: HeldCluster): void {
    const previous = this.held;
    this.held = held;
    const now = Date.now();
    const { desiredVersion: desired, appliedVersion: applied } = held;
    if (desired !== null && desired !== applied && held.failedVersion !== desired) {
      const retryAt = held.nextRetryAt?.getTime() ?? 0;
      if (retryAt <= now) this.enqueue('reconcile');
      else this.later('retry', retryAt - now, () => this.enqueue('reconcile'));
    }
    const changed = previous.appliedVersion !== applied || previous.driftMode !== held.driftMode || previous.failedVersion !== held.failedVersion;
    if (changed) this.recorded = null;
    if (desired !== null && applied === desired && changed) {
      this.scheduleDrift(0);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const interval of this.intervals) clearInterval(interval);
    await Promise.all([this.policyInformer, ...this.informers].map((informer) => informer?.stop()));
    await this.drained;
    this.client?.close();
  }

  private startInformers(client: KubeClient): void {
    const { settings } = this.deps;
    const backoff = settings.tuning.retry;
    this.policyInformer = new ListWatch<LivePolicy>(
      client,
      ALL_NETWORK_POLICIES_PATH,
      {
        onReset: (items) => {
          this.live = items;
          this.liveSynced = true;
          this.unreachable = null; // a report still queued is out of date now
          this.recorded = null;
          this.scheduleDrift(0);
        },
        onUpsert: (key, item) => {
          this.live.set(key, item);
          this.scheduleDrift();
        },
        onDelete: (key) => {
          this.live.delete(key);
          this.scheduleDrift();
        },
        onError: (error) => this.reportUnreachable(error),
      },
      { backoff, map: toLivePolicy },
    );
    this.policyInformer.start();

    const feed = <T>(name: keyof typeof INVENTORY_PATHS, target: InventoryCollection<T>, map: (raw: unknown) => T): void => {
      const informer = new ListWatch<T>(
        client,
        INVENTORY_PATHS[name],
        {
          onReset: (items) => {
            target.reset(items);
            this.inventorySynced.add(name);
          },
          onUpsert: (key, item) => target.upsert(key, item),
          onDelete: (key) => target.delete(key),
          onError: (error) => this.logger.warn(`${name} watch: ${error.message}`),
        },
        { backoff, map, pageSize: 500 },
      );
      informer.start();
      this.informers.push(informer as ListWatch<unknown>);
    };
    feed('namespaces', this.inventory.namespaces, toCompactNamespace);
    feed('pods', this.inventory.pods, toCompactPod);
    feed('replicaSets', this.inventory.replicaSets, toCompactOwner);
    feed('jobs', this.inventory.jobs, toCompactOwner);

    this.intervals.push(
      setInterval(() => {
        this.recorded = null;
        this.policyInformer?.relist();
      }, settings.resyncMs),
      setInterval(() => void this.snapshot(), settings.inventorySnapshotMs),
    );
  }

  /** Queued, not written at once: the write must not race an apply. Repeats of the same error write nothing. */
  private reportUnreachable(error: Error): void {
    this.logger.warn(`NetworkPolicy watch: ${error.message}`);
    this.unreachable = error.message;
    this.kick();
  }

  private scheduleDrift(delayMs = this.deps.settings.driftDebounceMs): void {
    this.later('drift', delayMs, () => this.enqueue('drift'));
  }

  /** One pending timer per name; a newer request replaces it. */
  private later(name: string, delayMs: number, fn: () => void): void {
    if (this.stopped) return;
    const existing = this.timers.get(name);
    if (existing) clearTimeout(existing);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        fn();
      }, delayMs),
    );
  }

  private enqueue(task: 'reconcile' | 'drift'): void {
    if (this.stopped) return;
    this.queue.add(task);
    this.kick();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.drained = this.drain().finally(() => {
      this.running = false;
      if (!this.stopped && (this.queue.size > 0 || this.unreachable !== null)) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.unreachable !== null) {
          const message = this.unreachable;
          this.unreachable = null;
          this.recorded = null;
          await this.deps.drift.unreachable(this.target, `watching NetworkPolicies failed: ${message}`);
        } else if (this.queue.delete('reconcile')) {
          await this.reconcile();
        } else if (this.queue.delete('drift')) {
          await this.evaluateDrift();
        } else {
          return;
        }
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.logger.warn('lease lost; stopping');
          this.onLost(this);
          return;
        }
        if (error instanceof SyncAbortedError) return;
        this.logger.error(`work on the cluster failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  }

  private tuning(): Parameters<ApplyVersionService['execute']>[2] {
    return { ...this.deps.settings.tuning, signal: this.stopping.signal };
  }

  private async reconcile(): Promise<void> {
    const client = this.client;
    if (!client) return;
    // Policies Palisade does not manage survive any apply: report them with its outcome, not after it.
    const version = this.held.desiredVersion;
    const desired = version === null ? null : await this.desiredPolicies(version);
    const unmanaged =
      version !== null && desired && this.liveSynced ? computeDrift(desired, this.live, version, this.held.clusterName).filter((item) => !isHealable(item)) : [];
    // A task that waited in the pool while the worker stopped does not start.
    const outcome = await this.deps.pool.run(async () =>
      this.stopped ? { kind: 'idle' as const } : this.timedApply('apply', () => this.deps.apply.execute(this.target, client, this.tuning(), 'apply', unmanaged)),
    );
    if (outcome.kind !== 'idle' && outcome.kind !== 'waiting') this.recorded = null;
    if (outcome.kind === 'applied') {
      this.healAttempts = 0;
      this.scheduleDrift(0);
    } else if (outcome.kind === 'waiting' || outcome.kind === 'retrying') {
      const until = outcome.kind === 'waiting' ? outcome.until : outcome.nextRetryAt;
      this.later('retry', Math.max(0, until.getTime() - Date.now()), () => this.enqueue('reconcile'));
    }
  }

  /** Runs one apply or heal and records its duration by outcome (`idle` runs, which change nothing, are not recorded). */
  private async timedApply<T extends { kind: string }>(mode: 'apply' | 'heal', run: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    let outcome = 'error';
    try {
      const result = await run();
      outcome = result.kind;
      return result;
    } finally {
      if (outcome !== 'idle') this.deps.applyDuration.observe({ cluster: this.held.clusterName, mode, outcome }, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }

  private async desiredPolicies(version: number): Promise<Map<string, DesiredPolicy> | null> {
    if (this.desired?.version === version) return this.desired.policies;
    const found = await this.deps.versions.findWithPolicies(this.held.lease.clusterId, version);
    if (!found) return null;
    const policies = new Map(found.policies.map(toDesiredPolicy).map((p) => [p.key, p]));
    this.desired = { version, policies };
    return policies;
  }

  private async evaluateDrift(): Promise<void> {
    const client = this.client;
    const version = this.held.desiredVersion;
    if (!client || !this.liveSynced || version === null) return;
    const desired = await this.desiredPolicies(version);
    if (!desired) return;
    const drift = computeDrift(desired, this.live, version, this.held.clusterName);
    const { appliedVersion, driftMode, failedVersion } = this.held;
    const signature = JSON.stringify([version, appliedVersion, driftMode, failedVersion, drift]);
    if (signature === this.recorded) return;
    const decision = await this.deps.drift.execute(this.target, version, drift);
    this.recorded = decision.heal ? null : signature;
    if (drift.length === 0) this.healAttempts = 0;
    if (!decision.heal) return;
    // A heal that something keeps undoing backs off instead of fighting at watch speed.
    const wait = this.nextHealAt - Date.now();
    if (wait > 0) {
      this.later('drift', wait, () => this.enqueue('drift'));
      return;
    }
    this.healAttempts++;
    this.nextHealAt = Date.now() + backoffDelay(this.healAttempts, this.deps.settings.tuning.retry);
    const unhealable = drift.filter((item) => !isHealable(item));
    this.logger.log(`healing ${drift.length - unhealable.length} drifted object(s)`);
    await this.deps.pool.run(async () =>
      this.stopped ? undefined : this.timedApply('heal', () => this.deps.apply.execute(this.target, client, this.tuning(), 'heal', unhealable)),
    );
  }

  private async snapshot(): Promise<void> {
    if (this.snapshotting || this.stopped || this.inventorySynced.size < Object.keys(INVENTORY_PATHS).length) return;
    const revision = this.inventory.revision;
    if (revision === this.snapshotRevision) return;
    this.snapshotting = true;
    try {
      const takenAt = new Date();
      await this.deps.inventory.storeObserved(this.target, this.inventory.snapshot(), takenAt, this.deps.settings.inventoryRetain);
      this.snapshotRevision = revision;
    } catch (error) {
      if (error instanceof LeaseLostError) this.onLost(this);
      else this.logger.warn(`inventory snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.snapshotting = false;
    }
  }
}
