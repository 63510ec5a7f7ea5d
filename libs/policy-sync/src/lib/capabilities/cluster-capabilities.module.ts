import { Module } from '@nestjs/common';

import { ClusterCapabilitiesService } from './cluster-capabilities.service';

/** Capability checks alone (no credentials, no options), for the features that create versions. */
@Module({
  providers: [ClusterCapabilitiesService],
  exports: [ClusterCapabilitiesService],
})
export class ClusterCapabilitiesModule {}
