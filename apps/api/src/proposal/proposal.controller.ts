import { CreateProposalCommand, MergeService, ProposalsErrorCode, ProposalsService, ReviewsService, SubmitReviewCommand, UpdateProposalCommand } from '@palisade/proposals';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, DefaultValuePipe, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, getSchemaPath, type RequestBodyObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { CurrentCaller } from '../common/current-actor.decorator';
import { preferWait } from '../common/prefer-wait.util';
import { analysisFormat, ANALYSIS_MEDIA_TYPES } from './analysis-format.util';
import { ProposalAnalysisDetailModel, toProposalAnalysisDetailModel } from './proposal-analysis.model';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { PolicySetParser } from '../policy-version/policy-set.parser';
import { POLICY_SET_ROLES, ReadsBodyAfter } from '../request-body/body-access.decorator';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { ApiTooManyRequests } from '../openapi/api-too-many-requests.decorator';
import { NETWORK_POLICY_SCHEMA, NETWORK_POLICY_YAML_EXAMPLE } from '../openapi/network-policy.schema';
import { ProposalBody } from './proposal-body.decorator';
import { CreateProposalInput, RejectInput, RevertInput, ReviewInput, UpdateProposalInput } from './proposal.input';
import { ProposalModel, ProposalPageModel, toProposalModel, toProposalSummaryModel } from './proposal.model';
import { ProposalQuery } from './proposal.query';
import { createProposalInputOf, updateProposalInputOf } from './proposal-request.util';

/** JSON as the input class describes it, or YAML (the complete desired set) with the other fields in the query. */
const proposalRequestBody = (input: typeof CreateProposalInput | typeof UpdateProposalInput, json: Record<string, unknown>): RequestBodyObject => ({
    required: true,
    description: 'JSON: the fields below (exactly one of changes, policies or yaml). YAML: NetworkPolicy documents, the complete desired set, with mode=replace and the other fields as query parameters.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(input) }, example: json },
      'application/yaml': { schema: { type: 'string' }, example: NETWORK_POLICY_YAML_EXAMPLE },
    },
});

@ApiTags('proposals')
@ApiBearerAuth()
@ApiExtraModels(CreateProposalInput, UpdateProposalInput)
@ApiProblemResponses(401, 403, 404)
@Controller('api/v1/clusters/:name')
export class ClusterProposalController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly policySets: PolicySetParser,
  ) {}

  @Post('proposals')
  @ReadsBodyAfter({ limit: 'policySet', roles: POLICY_SET_ROLES.createProposal, clusterParam: 'name' })
  @ApiOperation({
    summary: 'Propose a change',
    description: 'Proposers and admins. The analysis runs in the background; a retry with the same Idempotency-Key returns the first result.',
    requestBody: proposalRequestBody(CreateProposalInput, {
      title: 'Allow web to reach the API',
      baseVersion: 3,
      changes: { upsert: [NETWORK_POLICY_SCHEMA.example], delete: [{ namespace: 'shop', name: 'allow-all' }] },
      source: { kind: 'github', url: 'https://github.com/acme/policies/pull/42' },
    }),
  })
  @ApiProblemResponses(400, 409, 415, 422)
  @ApiTooManyRequests(ProposalsErrorCode.PROPOSAL_QUOTA_EXCEEDED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result' })
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N (RFC 7240): answer once the analysis is READY or FAILED, or after N seconds (at most 60)' })
  @ApiCreatedResponse({ type: ProposalModel, description: 'With analysis PENDING, or READY when it finished within Prefer: wait' })
  async create(
    @Param('name') name: string,
    @ProposalBody() input: CreateProposalInput,
    @Query() query: ProposalQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<ProposalModel> {
    const fields = createProposalInputOf(input, query.mode, request.header('idempotency-key'));
    const command = CreateProposalCommand.from({ ...fields, content: await this.policySets.checkContent(fields.content, caller), clusterName: name, caller });
    return toProposalModel(await this.proposals.create(command, preferWait(request, response)));
  }

  @Get('proposals')
  @ApiOperation({ summary: "List a cluster's proposals" })
  @ApiProblemResponses(400)
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
  @ApiOperation({ summary: 'Propose a revert to an earlier version', description: 'Proposers and admins' })
  @ApiProblemResponses(400, 409, 422)
  @ApiTooManyRequests(ProposalsErrorCode.PROPOSAL_QUOTA_EXCEEDED)
  @ApiCreatedResponse({ type: ProposalModel, description: "A normal proposal restoring that version's content" })
  async revert(@Param('name') name: string, @Body() input: RevertInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.revert({ ...input, clusterName: name, caller }));
  }
}

@ApiTags('proposals')
@ApiBearerAuth()
@ApiProblemResponses(401, 403, 404)
@Controller('api/v1/proposals/:id')
export class ProposalController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly reviews: ReviewsService,
    private readonly merges: MergeService,
    private readonly policySets: PolicySetParser,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Get a proposal with its reviews, approvals and analysis summary' })
  @ApiOkResponse({ type: ProposalModel })
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.get(id, caller));
  }

  @Patch()
  // Only the author may revise: asked of the database before the new policy set is read.
  @ReadsBodyAfter({ limit: 'policySet', roles: POLICY_SET_ROLES.updateProposal, proposalAuthorParam: 'id' })
  @ApiOperation({
    summary: 'Revise a proposal',
    description: 'The author: new content, base version, title or description; new content dismisses approvals',
    requestBody: proposalRequestBody(UpdateProposalInput, { baseVersion: 4, changes: { upsert: [NETWORK_POLICY_SCHEMA.example] } }),
  })
  @ApiProblemResponses(400, 409, 415, 422)
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N: answer once the new analysis is done, or after N seconds' })
  @ApiOkResponse({ type: ProposalModel, description: 'New changes dismiss earlier approvals' })
  async update(
    @Param('id') id: string,
    @ProposalBody() input: UpdateProposalInput,
    @Query() query: ProposalQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<ProposalModel> {
    const fields = updateProposalInputOf(input, query.mode);
    const command = UpdateProposalCommand.from({ ...fields, content: await this.policySets.checkContent(fields.content, caller), id, caller });
    return toProposalModel(await this.proposals.update(command, preferWait(request, response)));
  }

  @Get('analysis')
  @ApiOperation({ summary: "Get a proposal's analysis: findings and the flows it opens or closes" })
  @ApiProblemResponses(400, 409)
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
  @ApiOperation({ summary: 'Run a failed analysis again' })
  @ApiProblemResponses(409)
  @HttpCode(200)
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N: answer once the analysis is done, or after N seconds' })
  @ApiOkResponse({ type: ProposalModel, description: 'The proposal with its analysis PENDING again (or READY/FAILED within Prefer: wait)' })
  async retryAnalysis(@Param('id') id: string, @Req() request: Request, @Res({ passthrough: true }) response: Response, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.retryAnalysis(id, caller, preferWait(request, response)));
  }

  @Post('withdraw')
  @ApiOperation({ summary: 'Withdraw a proposal', description: 'The author or an admin' })
  @ApiProblemResponses(409)
  @HttpCode(200)
  @ApiOkResponse({ type: ProposalModel })
  async withdraw(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.withdraw(id, caller));
  }

  @Post('reject')
  @ApiOperation({ summary: 'Reject a proposal for good', description: 'Approvers and admins' })
  @ApiProblemResponses(400, 409)
  @HttpCode(200)
  @ApiOkResponse({ type: ProposalModel })
  async reject(@Param('id') id: string, @Body() input: RejectInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.proposals.reject(id, input.comment ?? null, caller));
  }

  @Post('reviews')
  @ApiOperation({ summary: 'Review a proposal: APPROVE, REQUEST_CHANGES or COMMENT', description: 'Approvers and admins; authors cannot approve their own proposal' })
  @ApiProblemResponses(400, 409)
  @ApiCreatedResponse({ type: ProposalModel, description: 'The proposal with the review and its new status' })
  async review(@Param('id') id: string, @Body() input: ReviewInput, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.reviews.submit(SubmitReviewCommand.from({ ...input, proposalId: id, caller })));
  }

  @Post('merge')
  @ApiOperation({ summary: 'Merge an approved proposal into the next version', description: 'The author, approvers and admins; the analysis is checked again first' })
  @ApiProblemResponses(409)
  @HttpCode(200)
  @ApiOkResponse({ type: ProposalModel, description: 'MERGED, with mergedVersion' })
  async merge(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ProposalModel> {
    return toProposalModel(await this.merges.merge(id, caller));
  }
}
