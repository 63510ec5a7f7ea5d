import { ImportVersionCommand, PolicyVersionsService } from '@palisade/policy-versions';
import type { Caller } from '@palisade/shared-types';
import { Controller, DefaultValuePipe, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { NETWORK_POLICY_SCHEMA, NETWORK_POLICY_YAML_EXAMPLE } from '../openapi/network-policy.schema';
import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { POLICY_SET_ROLES, ReadsBodyAfter } from '../request-body/body-access.decorator';
import { PolicySetParser } from './policy-set.parser';
import { PolicyVersionModel, PolicyVersionPageModel, toPolicyVersionModel, toPolicyVersionSummaryModel } from './policy-version.model';
import { ImportVersionInput } from './import-version.input';
import { PolicySetBody } from './policy-set-input.from-request';
import { policySetInputOf } from './policy-set-input.util';

@ApiTags('versions')
@ApiBearerAuth()
@ApiExtraModels(ImportVersionInput)
@ApiProblemResponses(401, 403, 404)
@Controller('api/v1/clusters/:name/versions')
export class PolicyVersionController {
  constructor(
    private readonly versions: PolicyVersionsService,
    private readonly policySets: PolicySetParser,
  ) {}

  @Get()
  @ApiOkResponse({ type: PolicyVersionPageModel, description: 'Newest first' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 20' })
  @ApiOperation({ summary: "List a cluster's policy versions" })
  @ApiProblemResponses(400)
  async list(
    @Param('name') name: string,
    @Query('limit', new DefaultValuePipe(20), new PositiveIntPipe('limit', 100)) limit: number,
    @CurrentCaller() caller: Caller,
    @Query('cursor') cursor?: string,
  ): Promise<PolicyVersionPageModel> {
    const page = await this.versions.list(name, { cursor, limit }, caller);
    return { items: page.items.map(toPolicyVersionSummaryModel), nextCursor: page.nextCursor };
  }

  @Get('head')
  @ApiOkResponse({ type: PolicyVersionModel })
  @ApiOperation({ summary: "Get a cluster's newest policy version" })
  async head(@Param('name') name: string, @CurrentCaller() caller: Caller): Promise<PolicyVersionModel> {
    return toPolicyVersionModel(await this.versions.get(name, 'head', caller));
  }

  @Get(':number')
  @ApiOkResponse({ type: PolicyVersionModel })
  @ApiOperation({ summary: 'Get a policy version' })
  @ApiProblemResponses(400)
  async get(
    @Param('name') name: string,
    @Param('number', new PositiveIntPipe('number')) number: number,
    @CurrentCaller() caller: Caller,
  ): Promise<PolicyVersionModel> {
    return toPolicyVersionModel(await this.versions.get(name, number, caller));
  }

  @Post('import')
  @ReadsBodyAfter({ limit: 'policySet', roles: POLICY_SET_ROLES.importVersion, clusterParam: 'name' })
  @ApiCreatedResponse({ type: PolicyVersionModel, description: 'The first version of the cluster' })
  @ApiOperation({
    summary: "Import a cluster's first policy version",
    description: 'Admins. JSON: exactly one of policies or yaml. YAML: one or more NetworkPolicy documents.',
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(ImportVersionInput) }, example: { policies: [NETWORK_POLICY_SCHEMA.example] } },
        'application/yaml': { schema: { type: 'string' }, example: NETWORK_POLICY_YAML_EXAMPLE },
      },
    },
  })
  @ApiProblemResponses(400, 409, 413, 415, 422)
  async import(@Param('name') name: string, @PolicySetBody() body: ImportVersionInput, @CurrentCaller() caller: Caller): Promise<PolicyVersionModel> {
    const input = await this.policySets.check(policySetInputOf(body), caller);
    return toPolicyVersionModel(await this.versions.importVersion(ImportVersionCommand.from({ clusterName: name, input, caller })));
  }
}
