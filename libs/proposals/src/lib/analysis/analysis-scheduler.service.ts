import { InventorySnapshotEvents } from '@palisade/policy-sync';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

import { AnalysisFailedError } from './analysis-failed.error';
import { AnalysisInterruptedError } from './analysis-interrupted.error';
import { ANALYSIS_RUNNER_OPTIONS, type AnalysisRunnerOptions } from './analysis-runner.service';
import { ConnectivityTracker } from './connectivity-tracker.service';
import { ProposalAnalysisService } from './proposal-analysis.service';

/**
 * Keeps analyses and connection history current without anyone asking: on start (work a stopped
 * replica left PENDING), on every uploaded snapshot at once, and every `reconcileMs` (snapshots the
 * sync worker stored, imports). It stops at the first step of shutdown, before the engine threads
 * and the database connection close (they close at its last step), and never starts a pass after.
 */
@Injectable()
export class AnalysisScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AnalysisScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    @Inject(ANALYSIS_RUNNER_OPTIONS) private readonly options: AnalysisRunnerOptions,
    private readonly analyses: ProposalAnalysisService,
    private readonly tracker: ConnectivityTracker,
    private readonly events: InventorySnapshotEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.events.subscribe(() => void this.tick());
    if (this.options.reconcileMs > 0) {
      this.timer = setInterval(() => void this.tick(), this.options.reconcileMs);
      this.timer.unref();
    }
    void this.tick();
  }

  /**
   * Stops the timer and the snapshot subscription and waits for the pass in hand, which stops after
   * the cluster it is catching up (a catch-up is one transaction: cut short, nothing of it is stored).
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
  }

  /**
   * One pass: connection history of lagging clusters, then stale analyses. Passes never overlap; none
   * starts once stopped. A cluster whose history cannot be caught up (an engine error, a timeout) is
   * logged and left alone until its retry time (HISTORY_RETRY_DELAY): the clusters after it and the
   * analyses still get their turn.
   */
  tick(): Promise<void> {
    if (this.running) return this.running;
    if (this.stopped) return Promise.resolve();
    this.running = (async () => {
      try {
        for (const clusterId of await this.tracker.lagging(20)) {
          if (this.stopped) return; // the rest lags until the next start or another replica's pass
          try {
            await this.tracker.catchUp(clusterId);
          } catch (error) {
            if (error instanceof AnalysisInterruptedError) return; // the threads stopped: shutdown, not a failure
            const message = (error as Error).message;
            // The engine's failures are retried later; anything else (a database error) on the next pass.
            const failed =
              error instanceof AnalysisFailedError
                ? await this.tracker.recordFailure(clusterId, message).catch((stored: unknown) => {
                    this.logger.error(`failed catch-up of cluster ${clusterId} not recorded: ${(stored as Error).message}`);
                    return null;
                  })
                : null;
            const retry = failed ? ` (failure ${failed.failures} in a row; tried again from ${failed.retryAfter.toISOString()})` : '';
            this.logger.warn(`connection history of cluster ${clusterId} not caught up: ${message}${retry}`);
          }
        }
        if (!this.stopped) await this.analyses.reconcile();
      } catch (error) {
        if (!(error instanceof AnalysisInterruptedError)) this.logger.error(`analysis reconcile failed: ${(error as Error).message}`);
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
