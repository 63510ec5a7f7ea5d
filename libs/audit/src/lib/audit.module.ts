import { Module } from '@nestjs/common';

import { AuditRecorder } from './audit-recorder';
import { AuditService } from './audit.service';

@Module({
  providers: [AuditRecorder, AuditService],
  exports: [AuditRecorder, AuditService],
})
export class AuditModule {}
