import { CreateProposalCommand, MergeService, ProposalsService, ReviewsService, SubmitReviewCommand, UpdateProposalCommand } from '@palisade/proposals';
import { assertClusterInScope, assertRole, type Caller } from '@palisade/shared-types';
import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { PolicySetParser } from '../policy-version/policy-set.parser';
import { POLICY_SET_ROLES } from '../request-body/body-access.decorator';
import { clampWaitSeconds } from '../common/prefer-wait.util';
import { pagedCost } from '../graphql/query-cost.util';
import { CreateProposalInput, RevertInput, ReviewInput, UpdateProposalInput } from './proposal.input';
import { ProposalModel, ProposalPageModel, ProposalStatus, toProposalModel, toProposalSummaryModel } from './proposal.model';
import { createProposalInputOf, updateProposalInputOf } from './proposal-request.util';

@Resolver(() => ProposalModel)
export class ProposalResolver {
  constructor(
    private readonly proposalService: ProposalsService,
    private readonly reviewService: ReviewsService,
    private readonly mergeService: MergeService,
    private readonly policySets: PolicySetParser,
  ) {}

  @Query(() => ProposalModel)
  async proposal(@Args('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposalService.get(id, caller));
  }

  @Query(() => ProposalPageModel, { description: "A cluster's proposals, newest first", complexity: pagedCost(20) })
  async proposals(
    @Args('cluster') cluster: string,
    @Args('first', { type: () => Int, defaultValue: 20 }, new PositiveIntPipe('first', 100)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('status', { type: () => [ProposalStatus], nullable: true }) status?: ProposalStatus[],
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('sourceUrl', { type: () => String, nullable: true, description: 'Only proposals from this source URL (e.g. a pull request)' }) sourceUrl?: string,
  ): Promise<ProposalPageModel> {
    const page = await this.proposalService.list(cluster, { status: status ?? undefined, sourceUrl: sourceUrl ?? undefined, cursor: after ?? undefined, limit: first }, caller);
    return { items: page.items.map(toProposalSummaryModel), nextCursor: page.nextCursor };
  }

  @Mutation(() => ProposalModel, { description: 'Proposes a change (proposers, admins); a retry with the same idempotencyKey returns the first result' })
  async createProposal(
    @Args('cluster') cluster: string,
    @Args('input') input: CreateProposalInput,
    @CurrentCaller() caller: Caller,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
    @Args('waitSeconds', { type: () => Int, nullable: true, description: 'Answer once the analysis is READY or FAILED, or after this many seconds (max 60)' }) waitSeconds?: number,
  ): Promise<ProposalModel> {
    const fields = createProposalInputOf(input, undefined, idempotencyKey);
    // Refused before the policy set is read, as REST refuses before reading the body (@ReadsBodyAfter).
    assertRole(caller, POLICY_SET_ROLES.createProposal);
    assertClusterInScope(caller, cluster);
    const command = CreateProposalCommand.from({ ...fields, content: await this.policySets.checkContent(fields.content, caller), clusterName: cluster, caller });
    return toProposalModel(await this.proposalService.create(command, clampWaitSeconds(waitSeconds)));
  }

  @Mutation(() => ProposalModel, { description: 'The author replaces the changes (dismissing approvals), base or title' })
  async updateProposal(
    @Args('id') id: string,
    @Args('input') input: UpdateProposalInput,
    @CurrentCaller() caller: Caller,
    @Args('waitSeconds', { type: () => Int, nullable: true }) waitSeconds?: number,
  ): Promise<ProposalModel> {
    const fields = updateProposalInputOf(input, undefined);
    // Only its author (or an admin) may change a proposal: refused before the policy set is read.
    assertRole(caller, POLICY_SET_ROLES.updateProposal);
    await this.proposalService.assertMayUpdate(id, caller);
    const command = UpdateProposalCommand.from({ ...fields, content: await this.policySets.checkContent(fields.content, caller), id, caller });
    return toProposalModel(await this.proposalService.update(command, clampWaitSeconds(waitSeconds)));
  }

  @Mutation(() => ProposalModel)
  async withdrawProposal(@Args('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposalService.withdraw(id, caller));
  }

  @Mutation(() => ProposalModel, { description: 'Approvers and admins close a proposal for good' })
  async rejectProposal(
    @Args('id') id: string,
    @CurrentCaller() caller: Caller,
    @Args('comment', { type: () => String, nullable: true }) comment?: string,
  ): Promise<ProposalModel> {
    return toProposalModel(await this.proposalService.reject(id, comment ?? null, caller));
  }

  @Mutation(() => ProposalModel, { description: 'APPROVE, REQUEST_CHANGES or COMMENT (approvers, admins; never the author approving)' })
  async reviewProposal(@Args('id') id: string, @Args('input') input: ReviewInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.reviewService.submit(SubmitReviewCommand.from({ ...input, proposalId: id, caller })));
  }

  @Mutation(() => ProposalModel, { description: 'Merges an APPROVED proposal into the next version (author, approvers, admins)' })
  async mergeProposal(@Args('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.mergeService.merge(id, caller));
  }

  @Mutation(() => ProposalModel, { description: "Opens a proposal restoring an earlier version's content" })
  async revertCluster(@Args('cluster') cluster: string, @Args('input') input: RevertInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposalService.revert({ ...input, clusterName: cluster, caller }));
  }
}
