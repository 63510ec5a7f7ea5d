import { Module } from '@nestjs/common';

import { AuditRecorder } from './audit-recorder';
import { AuditService } from './audit.service';
import { WebhookOutbox } from './webhook-outbox';

@Module({
  providers: [AuditRecorder, AuditService, WebhookOutbox],
  exports: [AuditRecorder, AuditService],
})
export class AuditModule {}
