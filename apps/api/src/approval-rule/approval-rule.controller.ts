import { ApprovalRulesService, PutApprovalRuleCommand } from '@palisade/proposals';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { ApprovalRuleListModel, ApprovalRuleModel, PutApprovalRuleInput, toApprovalRuleModel } from './approval-rule.model';

@ApiTags('approval rules')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1/approval-rules')
export class ApprovalRuleController {
  constructor(private readonly rules: ApprovalRulesService) {}

  @Get()
  @ApiOkResponse({ type: ApprovalRuleListModel })
  @ApiOperation({ summary: 'List the approval rules' })
  async list(@CurrentCaller() caller: Caller): Promise<ApprovalRuleListModel> {
    return { items: (await this.rules.list(caller)).map(toApprovalRuleModel) };
  }

  @Get(':name')
  @ApiOkResponse({ type: ApprovalRuleModel })
  @ApiOperation({ summary: 'Get an approval rule' })
  @ApiProblemResponses(404)
  async get(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.rules.get(name, caller));
  }

  @Put(':name')
  @ApiOkResponse({ type: ApprovalRuleModel, description: 'Creates or replaces the rule (unscoped admins)' })
  @ApiOperation({ summary: 'Create or replace an approval rule' })
  @ApiProblemResponses(400)
  async put(@Param('name') name: string, @Body() input: PutApprovalRuleInput, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.rules.put(PutApprovalRuleCommand.from({ ...input, name, caller })));
  }

  @Delete(':name')
  @ApiOkResponse({ type: ApprovalRuleModel, description: 'The deleted rule' })
  @ApiOperation({ summary: 'Delete an approval rule' })
  @ApiProblemResponses(404)
  async delete(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<ApprovalRuleModel> {
    return toApprovalRuleModel(await this.rules.delete(name, caller));
  }
}
