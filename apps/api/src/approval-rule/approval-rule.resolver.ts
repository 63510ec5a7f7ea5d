import { ApprovalRulesService, PutApprovalRuleCommand } from '@palisade/proposals';
import type { Caller } from '@palisade/shared-types';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { ApprovalRuleModel, PutApprovalRuleInput, toApprovalRuleModel } from './approval-rule.model';

@Resolver(() => ApprovalRuleModel)
export class ApprovalRuleResolver {
  constructor(private readonly ruleService: ApprovalRulesService) {}

  @Query(() => [ApprovalRuleModel])
  async approvalRules(@CurrentCaller() caller: Caller): Promise<ApprovalRuleModel[]> {
    return (await this.ruleService.list(caller)).map(toApprovalRuleModel);
  }

  @Query(() => ApprovalRuleModel)
  async approvalRule(@Args('name') name: string, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.ruleService.get(name, caller));
  }

  @Mutation(() => ApprovalRuleModel, { description: 'Creates or replaces an approval rule (unscoped admins)' })
  async putApprovalRule(@Args('name') name: string, @Args('input') input: PutApprovalRuleInput, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.ruleService.put(PutApprovalRuleCommand.from({ ...input, name, caller })));
  }

  @Mutation(() => ApprovalRuleModel)
  async deleteApprovalRule(@Args('name') name: string, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.ruleService.delete(name, caller));
  }
}
