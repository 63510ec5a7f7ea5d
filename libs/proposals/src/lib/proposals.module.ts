import { AuditModule } from '@palisade/audit';
import { ClustersModule } from '@palisade/clusters';
import { ClusterCapabilitiesModule } from '@palisade/policy-sync';
import { Module } from '@nestjs/common';

import { ApprovalEvaluator } from './approval-evaluator.service';
import { ApprovalRulesService } from './approval-rules.service';
import { MergeService } from './merge.service';
import { ProposalsService } from './proposals.service';
import { ReviewsService } from './reviews.service';

@Module({
  imports: [AuditModule, ClusterCapabilitiesModule, ClustersModule],
  providers: [ApprovalEvaluator, ApprovalRulesService, MergeService, ProposalsService, ReviewsService],
  exports: [ApprovalRulesService, MergeService, ProposalsService, ReviewsService],
})
export class ProposalsModule {}
