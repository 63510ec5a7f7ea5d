import { AuditModule } from '@palisade/audit';
import { ClustersModule } from '@palisade/clusters';
import { ConnectionHistoryModule } from '@palisade/connection-history';
import { ClusterCapabilitiesModule, InventoryEventsModule } from '@palisade/policy-sync';
import { type DynamicModule, Module } from '@nestjs/common';

import { ANALYSIS_RUNNER_OPTIONS, AnalysisRunner, type AnalysisRunnerOptions } from './analysis/analysis-runner.service';
import { AnalysisScheduler } from './analysis/analysis-scheduler.service';
import { ConnectivityTracker } from './analysis/connectivity-tracker.service';
import { ProposalAnalysisService } from './analysis/proposal-analysis.service';
import { ApprovalEvaluator } from './approval-evaluator.service';
import { ApprovalRulesService } from './approval-rules.service';
import { MergeService } from './merge.service';
import { ProposalsService } from './proposals.service';
import { ReviewsService } from './reviews.service';

@Module({})
export class ProposalsModule {
  /** Proposals, reviews, rules and merges, with every revision analysed in a worker-thread pool. */
  static register(options: AnalysisRunnerOptions): DynamicModule {
    return {
      module: ProposalsModule,
      imports: [AuditModule, ClusterCapabilitiesModule, ClustersModule, ConnectionHistoryModule, InventoryEventsModule],
      providers: [
        { provide: ANALYSIS_RUNNER_OPTIONS, useValue: options },
        AnalysisRunner,
        AnalysisScheduler,
        ApprovalEvaluator,
        ApprovalRulesService,
        ConnectivityTracker,
        MergeService,
        ProposalAnalysisService,
        ProposalsService,
        ReviewsService,
      ],
      exports: [AnalysisScheduler, ApprovalRulesService, MergeService, ProposalAnalysisService, ProposalsService, ReviewsService],
    };
  }
}

