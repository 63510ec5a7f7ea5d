import { AuditModule } from '@palisade/audit';
import { type DynamicModule, Module } from '@nestjs/common';

import { DispatchWebhooksService } from './dispatch-webhooks.service';
import { WEBHOOKS_OPTIONS, type WebhooksOptions } from './webhooks.options';
import { WebhooksService } from './webhooks.service';

@Module({})
export class WebhooksModule {
  /** The API registers it without `dispatch`; the worker with, and runs DispatchWebhooksService. */
  static register(options: WebhooksOptions): DynamicModule {
    const providers = [{ provide: WEBHOOKS_OPTIONS, useValue: options }, WebhooksService, ...(options.dispatch ? [DispatchWebhooksService] : [])];
    return { module: WebhooksModule, imports: [AuditModule], providers, exports: providers };
  }
}
