import { AuditModule } from '@palisade/audit';
import { ClustersModule } from '@palisade/clusters';
import { ClusterCapabilitiesModule } from '@palisade/policy-sync';
import { Module } from '@nestjs/common';

import { PolicyVersionsService } from './policy-versions.service';

@Module({
  imports: [AuditModule, ClusterCapabilitiesModule, ClustersModule],
  providers: [PolicyVersionsService],
  exports: [PolicyVersionsService],
})
export class PolicyVersionsModule {}
