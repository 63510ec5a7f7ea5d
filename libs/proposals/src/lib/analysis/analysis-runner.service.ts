import type { Inventory, NetworkPolicy } from '@palisade/netpol-engine';
import { type InventorySnapshotSummary, InventorySnapshotRepository, PolicySetVersionRepository, type TransactionClient } from '@palisade/persistence';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';

import { type AnalysisWorkerBundle, bundleAnalysisWorker } from './analysis-worker-bundle.util';
import type { AnalysisOptionsInput, AnalysisRequest, AnalysisResponse, AnalysisTask, ChangeAnalysis, ConnectivityDelta, TaskData } from './analysis-result.type';
import { inventoryKey, policiesKey } from './compute-analysis.util';
import { AnalysisFailedError } from './analysis-failed.error';

export const ANALYSIS_RUNNER_OPTIONS = Symbol('ANALYSIS_RUNNER_OPTIONS');

export interface AnalysisRunnerOptions {
  /** Worker threads running the engine; the API's event loop never does. */
  threads: number;
  /** An analysis taking longer fails with a timeout (its thread is stopped). */
  timeoutMs: number;
  /** How often stale analyses and lagging connection history are looked for (0: only on start and uploads). */
  reconcileMs: number;
}

/** A policy set of a cluster's version, by the version's content hash. */
export interface VersionRef {
  clusterId: string;
  number: number;
  contentHash: string;
}

/**
 * Runs the engine in a pool of worker threads (piscina). Policy sets and inventories are sent by
 * content hash; a thread keeps the ones it parsed last, so a second proposal on the same snapshot
 * and version neither loads nor parses them again.
 */
@Injectable()
export class AnalysisRunner implements OnModuleDestroy {
  private readonly logger = new Logger(AnalysisRunner.name);
  private readonly pool: Piscina<AnalysisRequest, AnalysisResponse>;
  private readonly bundle: AnalysisWorkerBundle;

  constructor(
    @Inject(ANALYSIS_RUNNER_OPTIONS) private readonly options: AnalysisRunnerOptions,
    private readonly versions: PolicySetVersionRepository,
    private readonly snapshots: InventorySnapshotRepository,
  ) {
    this.bundle = bundleAnalysisWorker();
    this.pool = new Piscina({
      filename: this.bundle.filename,
      name: 'runAnalysisTask',
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.POSITIVE_INFINITY, // threads keep their caches
    });
  }

  /** Base version vs base + changes, on the snapshot (or on the policies alone without one). */
  async change(input: {
    base: VersionRef;
    changes: { upsert: NetworkPolicy[]; delete: { namespace: string; name: string }[] };
    snapshot: InventorySnapshotSummary | null;
    options: AnalysisOptionsInput;
    tx?: TransactionClient;
  }): Promise<ChangeAnalysis> {
    const task: AnalysisTask = { kind: 'change', base: input.base.contentHash, changes: input.changes, inventory: input.snapshot?.contentHash ?? null, options: input.options };
    const response = await this.run(task, this.loaders([input.base], input.snapshot ? [input.snapshot] : [], input.tx));
    if (!('change' in response)) throw new AnalysisFailedError('the analysis worker answered with another kind of result');
    return response.change;
  }

  /** Flows opened and closed between two pictures (policy set + snapshot) of one cluster. */
  async delta(input: {
    before: { version: VersionRef; snapshot: InventorySnapshotSummary | null } | null;
    after: { version: VersionRef; snapshot: InventorySnapshotSummary | null };
    options: AnalysisOptionsInput;
    tx?: TransactionClient;
  }): Promise<ConnectivityDelta> {
    const picture = (side: { version: VersionRef; snapshot: InventorySnapshotSummary | null }) => ({ policies: side.version.contentHash, inventory: side.snapshot?.contentHash ?? null });
    const task: AnalysisTask = { kind: 'delta', before: input.before ? picture(input.before) : null, after: picture(input.after), options: input.options };
    const sides = input.before ? [input.before, input.after] : [input.after];
    const snapshots = sides.flatMap((s) => (s.snapshot ? [s.snapshot] : []));
    const response = await this.run(task, this.loaders(sides.map((s) => s.version), snapshots, input.tx));
    if (!('delta' in response)) throw new AnalysisFailedError('the analysis worker answered with another kind of result');
    return response.delta;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
    this.bundle.dispose();
  }

  private loaders(versions: VersionRef[], snapshots: InventorySnapshotSummary[], tx?: TransactionClient): Map<string, () => Promise<TaskData>> {
    const loaders = new Map<string, () => Promise<TaskData>>();
    for (const version of versions) {
      loaders.set(policiesKey(version.contentHash), async () => {
        const found = await this.versions.findWithPolicies(version.clusterId, version.number, tx);
        if (!found) throw new AnalysisFailedError(`version ${version.number} is gone`);
        return { kind: 'policies', policies: found.policies.map((p) => p.manifest as NetworkPolicy) };
      });
    }
    for (const snapshot of snapshots) {
      loaders.set(inventoryKey(snapshot.contentHash), async () => {
        const found = await this.snapshots.findById(snapshot.clusterId, snapshot.id, tx);
        if (!found) throw new AnalysisFailedError(`inventory snapshot ${snapshot.id} is gone`);
        return { kind: 'inventory', inventory: toEngineInventory(found) };
      });
    }
    return loaders;
  }

  private async run(task: AnalysisTask, loaders: Map<string, () => Promise<TaskData>>): Promise<AnalysisResponse> {
    const deadline = Date.now() + this.options.timeoutMs;
    let data: Record<string, TaskData> = {};
    for (let round = 0; round < 3; round++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      let response: AnalysisResponse;
      try {
        response = await this.pool.run({ task, data }, { signal: AbortSignal.timeout(remaining) });
      } catch (error) {
        if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') break;
        this.logger.warn(`analysis failed: ${(error as Error).message}`);
        throw new AnalysisFailedError(`engine error: ${(error as Error).message}`);
      }
      if (!('missing' in response)) return response;
      data = {};
      for (const key of response.missing) {
        const load = loaders.get(key);
        if (!load) throw new AnalysisFailedError(`the analysis needs ${key}, which the task did not name`);
        data[key] = await load();
      }
    }
    throw new AnalysisFailedError(`the analysis did not finish within ${this.options.timeoutMs} ms`);
  }
}

/** A stored snapshot as the engine's inventory. */
export function toEngineInventory(snapshot: { namespaces: { name: string; labels: Record<string, string> }[]; pods: { namespace: string; name: string; labels: Record<string, string>; ip?: string; ports: { name: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[]; workload: { kind: string; name: string } }[] }): Inventory {
  return {
    namespaces: snapshot.namespaces.map((ns) => ({ name: ns.name, labels: ns.labels })),
    pods: snapshot.pods.map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      ...(pod.ip === undefined ? {} : { ip: pod.ip }),
      ports: pod.ports,
      workload: pod.workload,
    })),
  };
}
