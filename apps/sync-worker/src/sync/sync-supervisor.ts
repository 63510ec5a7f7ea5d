import { ClusterSyncStateRepository, type HeldCluster, PolicySetVersionRepository } from '@palisade/persistence';
import { ApplyVersionService, ConnectionCredentialsStore, InventoryService, RecordDriftService } from '@palisade/policy-sync';
import { Metrics } from '@palisade/observability';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

import { BoundedPool } from './bounded-pool';
import { type AgentDeps, ClusterAgent } from './cluster-agent';
import { WORKER_SETTINGS, type WorkerSettings } from './worker-settings';

/**
 * The worker's main loop: every poll it renews its leases, claims free or lapsed clusters (up to
 * SYNC_MAX_CLUSTERS), and hands each held cluster's latest state to that cluster's agent. On
 * shutdown it stops the agents and releases the leases, so another worker takes over at once.
 */
@Injectable()
export class SyncSupervisor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SyncSupervisor');
  private readonly agents = new Map<string, ClusterAgent>();
  private readonly deps: AgentDeps;
  private timer?: NodeJS.Timeout;
  private tickInFlight: Promise<void> = Promise.resolve();
  private ticking = false;
  private lastRenewal = 0;
  private lastPollSucceededAt = 0;
  private stopped = false;

  constructor(
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
    private readonly syncStates: ClusterSyncStateRepository,
    apply: ApplyVersionService,
    drift: RecordDriftService,
    inventory: InventoryService,
    credentials: ConnectionCredentialsStore,
    versions: PolicySetVersionRepository,
    metrics: Metrics,
  ) {
    const applyDuration = metrics.histogram({
      name: 'palisade_apply_duration_seconds',
      help: 'Applies (mode=apply) and drift heals (mode=heal) of a policy set version to a cluster, by outcome',
      labelNames: ['cluster', 'mode', 'outcome'],
    });
    this.deps = { apply, drift, inventory, credentials, versions, pool: new BoundedPool(settings.concurrency), settings, applyDuration };
  }

  /** Held clusters' ids and names, for metrics. */
  get heldLeases(): { clusterId: string; clusterName: string }[] {
    return [...this.agents.values()].map((agent) => ({ clusterId: agent.lease.clusterId, clusterName: agent.target.clusterName }));
  }

  /**
   * Ready while polls (lease renewals and claims) keep succeeding: the last one ended less than a
   * lease TTL ago, so no lease this worker holds can have lapsed unnoticed.
   */
  get leasesRenewing(): boolean {
    return this.lastPollSucceededAt > 0 && Date.now() - this.lastPollSucceededAt < this.settings.leaseTtlMs;
  }

  /** Names of the clusters this worker serves now. */
  get heldClusters(): string[] {
    return [...this.agents.values()].map((agent) => agent.target.clusterName).sort();
  }

  onApplicationBootstrap(): void {
    this.logger.log(`worker ${this.settings.workerId}: polling every ${this.settings.pollMs} ms, lease ${this.settings.leaseTtlMs} ms`);
    this.timer = setInterval(() => this.tick(), this.settings.pollMs);
    this.tick();
  }

  /** Before the database pool closes (modules are destroyed dependents first). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.tickInFlight;
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.stop()));
    await Promise.all(agents.map((agent) => this.syncStates.release(agent.lease).catch(() => undefined)));
    this.logger.log(`stopped; released ${agents.length} lease(s)`);
  }

  private tick(): void {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    this.tickInFlight = this.poll()
      .then(() => {
        this.lastPollSucceededAt = Date.now();
      })
      .catch((error: unknown) => this.logger.error(`poll failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.ticking = false;
      });
  }

  private async poll(): Promise<void> {
    const { leaseTtlMs, workerId, maxClusters } = this.settings;
    if (this.agents.size > 0 && Date.now() - this.lastRenewal >= leaseTtlMs / 3) {
      const leases = [...this.agents.values()].map((agent) => agent.lease);
      const renewed = await this.syncStates.renew(leases, leaseTtlMs);
      this.lastRenewal = Date.now();
      for (const agent of [...this.agents.values()]) if (!renewed.has(agent.lease.clusterId)) await this.drop(agent, 'lease not renewed');
    }
    const claimed = await this.syncStates.claim(workerId, leaseTtlMs, maxClusters - this.agents.size);
    if (claimed.length > 0 && this.agents.size === 0) this.lastRenewal = Date.now();
    if (this.stopped) return;
    const held = await this.syncStates.listHeld(workerId);
    const seen = new Set<string>();
    for (const cluster of held) {
      if (this.stopped) return;
      seen.add(cluster.lease.clusterId);
      const agent = this.agents.get(cluster.lease.clusterId);
      if (agent?.matches(cluster)) {
        agent.update(cluster);
        continue;
      }
      if (agent) await this.drop(agent, 'lease re-claimed or connection replaced');
      await this.adopt(cluster);
    }
    for (const agent of [...this.agents.values()]) if (!seen.has(agent.lease.clusterId)) await this.drop(agent, 'lease lost');
  }

  private async adopt(cluster: HeldCluster): Promise<void> {
    const agent = new ClusterAgent(cluster, this.deps, (lost) => void this.drop(lost, 'lease lost'));
    this.agents.set(cluster.lease.clusterId, agent);
    await agent.start();
  }

  private async drop(agent: ClusterAgent, why: string): Promise<void> {
    if (this.agents.get(agent.lease.clusterId) === agent) this.agents.delete(agent.lease.clusterId);
    this.logger.log(`${agent.target.clusterName}: stopped (${why})`);
    await agent.stop();
  }
}
