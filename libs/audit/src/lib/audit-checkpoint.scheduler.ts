import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';

import { AuditCheckpointService } from './audit-checkpoint.service';
import { AUDIT_CHECKPOINT_OPTIONS, type AuditCheckpointOptions } from './audit-checkpoints.options';

/** Signs a checkpoint every AUDIT_CHECKPOINT_INTERVAL_MS when the chain moved, and a last one at shutdown. */
@Injectable()
export class AuditCheckpointScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoint');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly checkpoints: AuditCheckpointService,
    @Inject(AUDIT_CHECKPOINT_OPTIONS) private readonly options: AuditCheckpointOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.checkpoints.enabled) {
      this.logger.warn('PALISADE_AUDIT_SIGNING_KEY is not set: no audit checkpoints are signed, so a rewritten and re-hashed audit history would go unnoticed');
      return;
    }
    if (this.options.intervalMs > 0) this.timer = setInterval(() => void this.tick(), this.options.intervalMs).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.checkpoints.enabled) await this.tick();
  }

  private tick(): Promise<unknown> {
    this.running = this.running.then(() =>
      this.checkpoints.writeCheckpoint().catch((error: unknown) => this.logger.error(`could not sign an audit checkpoint: ${error instanceof Error ? error.message : String(error)}`)),
    );
    return this.running;
  }
}
