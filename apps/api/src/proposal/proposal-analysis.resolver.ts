import { ProposalsService } from '@palisade/proposals';
import type { Caller } from '@palisade/shared-types';
import { Args, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { clampWaitSeconds } from '../common/prefer-wait.util';
import { pagedCost, QUERY_COST } from '../graphql/query-cost.util';
import { AnalysisFlowPageModel, ProposalAnalysisModel, toProposalAnalysisDetailModel } from './proposal-analysis.model';
import { ProposalModel, toProposalModel } from './proposal.model';

@Resolver(() => ProposalAnalysisModel)
export class ProposalAnalysisResolver {
  constructor(private readonly proposals: ProposalsService) {}

  @ResolveField(() => AnalysisFlowPageModel, { description: 'Opened flows first, then closed ones; page with `after`', complexity: pagedCost(500, QUERY_COST.flow) })
  async flows(
    @Parent() analysis: ProposalAnalysisModel,
    @Args('first', { type: () => Int, defaultValue: 500 }, new PositiveIntPipe('first', 5000)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<AnalysisFlowPageModel> {
    return toProposalAnalysisDetailModel(analysis.proposalId, await this.proposals.analysisOf(analysis.proposalId, caller, { limit: first, cursor: after ?? undefined })).flows;
  }

  @Mutation(() => ProposalModel, { description: 'Runs the analysis of the current revision again (author, approvers, admins); waits up to waitSeconds (max 60)' })
  async retryProposalAnalysis(
    @Args('id') id: string,
    @CurrentCaller() caller: Caller,
    @Args('waitSeconds', { type: () => Int, defaultValue: 0 }) waitSeconds: number,
  ): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.retryAnalysis(id, caller, clampWaitSeconds(waitSeconds)));
  }
}
