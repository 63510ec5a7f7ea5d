import { PrismaService, ProposalRepository } from '@palisade/persistence';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

import { ApprovalEvaluator } from './approval-evaluator.service';

/** Open proposals re-derived per transaction. */
const PAGE = 200;

/**
 * Keeps open proposals' stored statuses in step with the approval rules. A rule change commits at
 * once and asks for a refresh here; the refresh walks the open proposals in pages, each page in its
 * own short transaction holding those proposals' row locks, so any number of open proposals never makes a
 * rule change slow or time out. Reads and merges evaluate the rules themselves and never wait for it.
 * At start it runs once, for a rule change whose refresh a stop interrupted.
 */
@Injectable()
export class ApprovalStatusRefresher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ApprovalStatusRefresher.name);
  private running: Promise<void> | null = null;
  private requestedAgain = false;
  private stopping = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly proposals: ProposalRepository,
    private readonly evaluator: ApprovalEvaluator,
  ) {}

  onApplicationBootstrap(): void {
    void this.request();
  }

  /** Finishes the page in hand and stops, before the database connection closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Starts a refresh, or one more after the running one (which may have read the old rules); resolves when none is left. */
  request(): Promise<void> {
    if (this.running) {
      this.requestedAgain = true;
      return this.running;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.requestedAgain = false;
          await this.refreshAll();
        } while (this.requestedAgain && !this.stopping);
      } catch (error) {
        if (!this.stopping) this.logger.error(`refreshing open proposals' statuses failed: ${(error as Error).message}`);
      } finally {
        this.running = null;
      }
    };
    this.running = run();
    return this.running;
  }

  private async refreshAll(): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const ids = await this.proposals.listActiveIdsAfter(after, PAGE);
      if (ids.length === 0) return;
      if (this.stopping) return;
      await this.prisma.$transaction(async (tx) => this.evaluator.refreshMany(await this.proposals.lockActive(ids, tx), tx), { timeout: 60_000 });
      after = ids[ids.length - 1];
    }
  }
}
