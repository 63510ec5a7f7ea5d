import type { NetworkPolicy } from '@palisade/netpol-engine';
import { Metrics, secondsSince } from '@palisade/observability';
import type { InventorySnapshotSummary } from '@palisade/persistence';
import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { startThreadPool } from '@palisade/shared-types';
import type { Piscina } from 'piscina';
import type { Histogram } from 'prom-client';

import { AnalysisFailedError } from './analysis-failed.error';
import { AnalysisInterruptedError } from './analysis-interrupted.error';
import { type AnalysisWorkerBundle, bundleAnalysisWorker } from './analysis-worker-bundle.util';
import type { AnalysisOptionsInput, AnalysisResponse, AnalysisTask, ChangeAnalysis, ConnectivityDelta, PolicySetRef, SnapshotRef } from './analysis-result.type';

export const ANALYSIS_RUNNER_OPTIONS = Symbol('ANALYSIS_RUNNER_OPTIONS');

export interface AnalysisRunnerOptions {
  /** Worker threads running the engine; the API's event loop never does. */
  threads: number;
  /** An analysis taking longer fails with a timeout (its thread is stopped and replaced). */
  timeoutMs: number;
  /** How often stale analyses and lagging connection history are looked for (0: only on start and uploads). */
  reconcileMs: number;
  /** The threads read policy sets and snapshots themselves, over a connection of their own. */
  databaseUrl: string;
}

/** A policy set of a cluster's version, by the version's content hash. */
export type VersionRef = PolicySetRef;

const snapshotRef = (s: InventorySnapshotSummary): SnapshotRef => ({ clusterId: s.clusterId, id: s.id, contentHash: s.contentHash });

/**
 * Runs the engine in a pool of worker threads (piscina). Tasks name policy sets and inventories by
 * content hash; a thread keeps the ones it parsed last and reads the others from the database
 * itself, so neither loading nor parsing ever runs on the API's event loop, and a second proposal
 * on the same snapshot and version does neither again.
 */
@Injectable()
export class AnalysisRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(AnalysisRunner.name);
  private readonly pool: Piscina<AnalysisTask, AnalysisResponse>;
  private readonly bundle: AnalysisWorkerBundle;
  private readonly duration?: Histogram<'kind' | 'outcome'>;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    @Inject(ANALYSIS_RUNNER_OPTIONS) private readonly options: AnalysisRunnerOptions,
    @Optional() metrics?: Metrics,
  ) {
    this.bundle = bundleAnalysisWorker();
    // threads start on demand and keep their caches
    this.pool = startThreadPool(this.bundle, { name: 'runAnalysisTask', maxThreads: options.threads, workerData: { databaseUrl: options.databaseUrl } });
    this.duration = metrics?.histogram({
      name: 'palisade_analysis_duration_seconds',
      help: 'Analyses run by the engine threads (kind=change for proposals, delta for connection history), by outcome (ok, failed, timeout, interrupted)',
      labelNames: ['kind', 'outcome'],
    });
    const pool = this.pool;
    metrics?.gauge({
      name: 'palisade_analysis_queue_depth',
      help: 'Analyses waiting for a free engine thread',
      collect() {
        this.set(pool.queueSize);
      },
    });
  }

  /** Base version vs base + changes, on the snapshot (or on the policies alone without one). */
  async change(input: {
    base: VersionRef;
    changes: { upsert: NetworkPolicy[]; delete: { namespace: string; name: string }[] };
    snapshot: InventorySnapshotSummary | null;
    options: AnalysisOptionsInput;
  }): Promise<ChangeAnalysis> {
    const response = await this.run({ kind: 'change', base: input.base, changes: input.changes, inventory: input.snapshot ? snapshotRef(input.snapshot) : null, options: input.options });
    if (!('change' in response)) throw new AnalysisFailedError('the analysis worker answered with another kind of result');
    return response.change;
  }

  /** Flows opened and closed between two pictures (policy set + snapshot) of one cluster. */
  async delta(input: {
    before: { version: VersionRef; snapshot: InventorySnapshotSummary | null } | null;
    after: { version: VersionRef; snapshot: InventorySnapshotSummary | null };
    options: AnalysisOptionsInput;
  }): Promise<ConnectivityDelta> {
    const picture = (side: { version: VersionRef; snapshot: InventorySnapshotSummary | null }) => ({ policies: side.version, inventory: side.snapshot ? snapshotRef(side.snapshot) : null });
    const response = await this.run({ kind: 'delta', before: input.before ? picture(input.before) : null, after: picture(input.after), options: input.options });
    if (!('delta' in response)) throw new AnalysisFailedError('the analysis worker answered with another kind of result');
    return response.delta;
  }

  /**
   * Stops the threads (once) and removes a bundle built at start. The analyses running or queued end
   * with AnalysisInterruptedError, not as failures, and so does one asked for later (no thread is
   * started again). ProposalAnalysisService calls it at the last step of shutdown, after the analysis
   * scheduler has stopped and the HTTP server has closed, so it can wait for the interrupted analyses
   * to settle before the database connections close.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.pool.destroy();
      this.bundle.dispose();
    })();
    return this.closing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async run(task: AnalysisTask): Promise<AnalysisResponse> {
    if (this.closed) throw new AnalysisInterruptedError('the analysis threads have stopped: the service is shutting down');
    const start = process.hrtime.bigint();
    try {
      const response = await this.pool.run(task, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      this.duration?.observe({ kind: task.kind, outcome: 'ok' }, secondsSince(start));
      return response;
    } catch (error) {
      // Whatever ends a task once the threads are stopping (piscina rejects the ones in hand) is the stop, not the analysis.
      if (this.closed) {
        this.duration?.observe({ kind: task.kind, outcome: 'interrupted' }, secondsSince(start));
        throw new AnalysisInterruptedError('the analysis threads stopped under the analysis: the service is shutting down');
      }
      const name = (error as Error).name;
      const timedOut = name === 'AbortError' || name === 'TimeoutError';
      this.duration?.observe({ kind: task.kind, outcome: timedOut ? 'timeout' : 'failed' }, secondsSince(start));
      if (timedOut) throw new AnalysisFailedError(`the analysis did not finish within ${this.options.timeoutMs} ms`);
      this.logger.warn(`analysis failed: ${(error as Error).message}`);
      throw new AnalysisFailedError(`engine error: ${(error as Error).message}`);
    }
  }
}
