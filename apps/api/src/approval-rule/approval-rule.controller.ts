import { ApprovalRulesService, PutApprovalRuleCommand } from '@palisade/proposals';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { CurrentCaller } from '../common/current-actor.decorator';
import { ApprovalRuleListModel, ApprovalRuleModel, PutApprovalRuleInput, toApprovalRuleModel } from './approval-rule.model';

@ApiTags('approval rules')
@ApiBearerAuth()
@Controller('api/v1/approval-rules')
export class ApprovalRuleController {
  constructor(private readonly rules: ApprovalRulesService) {}

  @Get()
  @ApiOkResponse({ type: ApprovalRuleListModel })
  async list(@CurrentCaller() caller: Caller): Promise<ApprovalRuleListModel> {
    return { items: (await this.rules.list(caller)).map(toApprovalRuleModel) };
  }

  @Get(':name')
  @ApiOkResponse({ type: ApprovalRuleModel })
  async get(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.rules.get(name, caller));
  }

  @Put(':name')
  @ApiOkResponse({ type: ApprovalRuleModel, description: 'Creates or replaces the rule (unscoped admins)' })
  async put(@Param('name') name: string, @Body() input: PutApprovalRuleInput, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.rules.put(PutApprovalRuleCommand.from({ ...input, name, caller })));
  }

  @Delete(':name')
  @ApiOkResponse({ type: ApprovalRuleModel, description: 'The deleted rule' })
  async delete(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.rules.delete(name, caller));
  }
}
