import { DispatchWebhooksService } from '@palisade/webhooks';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

import type { WorkerEnv } from '../config/env';
import { WORKER_ENV } from '../config/worker-env.token';

/** Runs the webhook dispatcher every WEBHOOK_POLL_MS (at once again while it finds full batches); a stop waits for the sends in flight. */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDispatcher');
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(WORKER_ENV) private readonly env: WorkerEnv,
    private readonly dispatch: DispatchWebhooksService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let sent = 0;
    try {
      sent = await this.dispatch.execute();
    } catch (error) {
      this.logger.error(`webhook dispatch failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.schedule(sent >= this.env.WEBHOOK_BATCH_SIZE ? 0 : this.env.WEBHOOK_POLL_MS);
  }
}
