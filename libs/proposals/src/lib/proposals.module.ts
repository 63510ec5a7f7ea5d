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
import { ApprovalStatusRefresher } from './approval-status-refresher.service';
import { MergeService } from './merge.service';
import { DEFAULT_PROPOSAL_QUOTAS, PROPOSAL_QUOTAS, type ProposalQuotas } from './proposal-quotas';
import { ProposalsService } from './proposals.service';
import { ReviewsService } from './reviews.service';

@Module({})
export class ProposalsModule {
  /** Proposals, reviews, rules and merges, with every revision analysed in a worker-thread pool. */
  static register(options: AnalysisRunnerOptions, quotas: ProposalQuotas = DEFAULT_PROPOSAL_QUOTAS): DynamicModule {
    return {
      module: ProposalsModule,
      imports: [AuditModule, ClusterCapabilitiesModule, ClustersModule, ConnectionHistoryModule, InventoryEventsModule],
      providers: [
        { provide: ANALYSIS_RUNNER_OPTIONS, useValue: options },
        { provide: PROPOSAL_QUOTAS, useValue: quotas },
        AnalysisRunner,
        AnalysisScheduler,
        ApprovalEvaluator,
        ApprovalRulesService,
        ApprovalStatusRefresher,
        ConnectivityTracker,
        MergeService,
        ProposalAnalysisService,
        ProposalsService,
        ReviewsService,
      ],
      exports: [AnalysisScheduler, ApprovalRulesService, ApprovalStatusRefresher, MergeService, ProposalAnalysisService, ProposalsService, ReviewsService],
    };
  }
}

