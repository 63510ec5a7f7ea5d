import { Module } from '@nestjs/common';

import { PolicyVersionsService } from './policy-versions.service';

@Module({
  providers: [PolicyVersionsService],
  exports: [PolicyVersionsService],
})
export class PolicyVersionsModule {}
