import { AuditCheckpointRepository } from '@palisade/persistence';
import { type DynamicModule, Module } from '@nestjs/common';

import { AuditCheckpointScheduler } from './audit-checkpoint.scheduler';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AUDIT_CHECKPOINT_OPTIONS, type AuditCheckpointOptions } from './audit-checkpoints.options';
import { AuditExportService } from './audit-export.service';
import { AuditVerifyService } from './audit-verify.service';

/** Signed checkpoints, verification against them, and the export: the API's side of the audit trail. */
@Module({})
export class AuditCheckpointsModule {
  static register(options: AuditCheckpointOptions): DynamicModule {
    return {
      module: AuditCheckpointsModule,
      providers: [
        { provide: AUDIT_CHECKPOINT_OPTIONS, useValue: options },
        AuditCheckpointRepository,
        AuditCheckpointScheduler,
        AuditCheckpointService,
        AuditExportService,
        AuditVerifyService,
      ],
      exports: [AuditCheckpointService, AuditExportService, AuditVerifyService],
    };
  }
}
