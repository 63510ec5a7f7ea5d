import { AuditModule } from '@palisade/audit';
import { Module } from '@nestjs/common';

import { ClustersService } from './clusters.service';

@Module({
  imports: [AuditModule],
  providers: [ClustersService],
  exports: [ClustersService],
})
export class ClustersModule {}
