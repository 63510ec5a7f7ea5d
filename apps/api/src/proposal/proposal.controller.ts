import { CreateProposalCommand, MergeService, ProposalsService, ReviewsService, SubmitReviewCommand, UpdateProposalCommand } from '@palisade/proposals';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, DefaultValuePipe, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { CurrentCaller } from '../common/current-actor.decorator';
import { preferWait } from '../common/prefer-wait.util';
import { analysisFormat, ANALYSIS_MEDIA_TYPES } from './analysis-format.util';
import { ProposalAnalysisDetailModel, toProposalAnalysisDetailModel } from './proposal-analysis.model';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { PolicySetParser } from '../policy-version/policy-set.parser';
import { ReadsBodyAfter } from '../request-body/body-access.decorator';
import { RejectInput, RevertInput, ReviewInput } from './proposal.input';
import { ProposalModel, ProposalPageModel, toProposalModel, toProposalSummaryModel } from './proposal.model';
import { createProposalInputFrom, updateProposalInputFrom } from './proposal-request.util';

const PROPOSAL_BODY = {
  description:
    'JSON {title, description?, baseVersion, changes: {upsert: [NetworkPolicy...], delete: [{namespace, name}...]}, source?: {kind, url?, commit?}}, ' +
    'or {title, baseVersion?, policies: [...]} with ?mode=replace, or YAML (the complete desired set) with ?mode=replace&title=...&baseVersion=...&sourceKind=...',
  schema: { type: 'object' },
};

@ApiTags('proposals')
@ApiBearerAuth()
@Controller('api/v1/clusters/:name')
export class ClusterProposalController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly policySets: PolicySetParser,
  ) {}

  @Post('proposals')
  @ReadsBodyAfter({ limit: 'policySet', roles: ['proposer', 'admin'], clusterParam: 'name' })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(PROPOSAL_BODY)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result' })
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N (RFC 7240): answer once the analysis is READY or FAILED, or after N seconds (at most 60)' })
  @ApiQuery({ name: 'mode', required: false, enum: ['changes', 'replace'] })
  @ApiCreatedResponse({ type: ProposalModel, description: 'With analysis PENDING, or READY when it finished within Prefer: wait' })
  async create(@Param('name') name: string, @Req() request: Request, @Res({ passthrough: true }) response: Response, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    const input = createProposalInputFrom(request);
    const command = CreateProposalCommand.from({ ...input, content: await this.policySets.checkContent(input.content), clusterName: name, caller });
    return toProposalModel(await this.proposals.create(command, preferWait(request, response)));
  }

  @Get('proposals')
  @ApiQuery({ name: 'status', required: false, description: 'One or more statuses, comma-separated' })
  @ApiQuery({ name: 'sourceUrl', required: false, description: 'Only proposals from this source URL (e.g. a pull request)' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 20' })
  @ApiOkResponse({ type: ProposalPageModel, description: 'Newest first' })
  async list(
    @Param('name') name: string,
    @Query('limit', new DefaultValuePipe(20), new PositiveIntPipe('limit', 100)) limit: number,
    @CurrentCaller() caller: Caller,
    @Query('status') status?: string,
    @Query('cursor') cursor?: string,
    @Query('sourceUrl') sourceUrl?: string,
  ): Promise<ProposalPageModel> {
    const page = await this.proposals.list(name, { status: status ? status.split(',') : undefined, sourceUrl, cursor, limit }, caller);
    return { items: page.items.map(toProposalSummaryModel), nextCursor: page.nextCursor };
  }

  @Post('revert')
  @ApiCreatedResponse({ type: ProposalModel, description: "A normal proposal restoring that version's content" })
  async revert(@Param('name') name: string, @Body() input: RevertInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.revert({ ...input, clusterName: name, caller }));
  }
}

@ApiTags('proposals')
@ApiBearerAuth()
@Controller('api/v1/proposals/:id')
export class ProposalController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly reviews: ReviewsService,
    private readonly merges: MergeService,
    private readonly policySets: PolicySetParser,
  ) {}

  @Get()
  @ApiOkResponse({ type: ProposalModel })
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.get(id, caller));
  }

  @Patch()
  // Only the author may revise: asked of the database before the new policy set is read.
  @ReadsBodyAfter({ limit: 'policySet', roles: ['admin', 'approver', 'auditor', 'proposer'], proposalAuthorParam: 'id' })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(PROPOSAL_BODY)
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N: answer once the new analysis is done, or after N seconds' })
  @ApiOkResponse({ type: ProposalModel, description: 'New changes dismiss earlier approvals' })
  async update(@Param('id') id: string, @Req() request: Request, @Res({ passthrough: true }) response: Response, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    const input = updateProposalInputFrom(request);
    const command = UpdateProposalCommand.from({ ...input, content: await this.policySets.checkContent(input.content), id, caller });
    return toProposalModel(await this.proposals.update(command, preferWait(request, response)));
  }

  @Get('analysis')
  @ApiProduces(...ANALYSIS_MEDIA_TYPES)
  @ApiQuery({ name: 'limit', required: false, description: 'Flows per page (opened first, then closed), 1-5000, default 500' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ type: ProposalAnalysisDetailModel, description: 'JSON; or a Markdown report (Accept: text/markdown); or the changed flows as Graphviz dot (Accept: text/vnd.graphviz)' })
  async analysis(
    @Param('id') id: string,
    @Query('limit', new DefaultValuePipe(500), new PositiveIntPipe('limit', 5000)) limit: number,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
    @CurrentCaller() caller: Caller,
    @Query('cursor') cursor?: string,
  ): Promise<ProposalAnalysisDetailModel | string> {
    const format = analysisFormat(accept, response);
    if (format === 'json') return toProposalAnalysisDetailModel(id, await this.proposals.analysisOf(id, caller, { limit, cursor }));
    return this.proposals.analysisReport(id, caller, format);
  }

  @Post('analysis/retry')
  @HttpCode(200)
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N: answer once the analysis is done, or after N seconds' })
  @ApiOkResponse({ type: ProposalModel, description: 'The proposal with its analysis PENDING again (or READY/FAILED within Prefer: wait)' })
  async retryAnalysis(@Param('id') id: string, @Req() request: Request, @Res({ passthrough: true }) response: Response, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.retryAnalysis(id, caller, preferWait(request, response)));
  }

  @Post('withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: ProposalModel })
  async withdraw(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.withdraw(id, caller));
  }

  @Post('reject')
  @HttpCode(200)
  @ApiOkResponse({ type: ProposalModel })
  async reject(@Param('id') id: string, @Body() input: RejectInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.reject(id, input.comment ?? null, caller));
  }

  @Post('reviews')
  @ApiCreatedResponse({ type: ProposalModel, description: 'The proposal with the review and its new status' })
  async review(@Param('id') id: string, @Body() input: ReviewInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.reviews.submit(SubmitReviewCommand.from({ ...input, proposalId: id, caller })));
  }

  @Post('merge')
  @HttpCode(200)
  @ApiOkResponse({ type: ProposalModel, description: 'MERGED, with mergedVersion' })
  async merge(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.merges.merge(id, caller));
  }
}
