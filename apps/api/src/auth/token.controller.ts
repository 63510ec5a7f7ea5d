import { CreateApiTokenCommand, type CreateApiTokenInput as TokenInput, TokensService } from '@palisade/auth';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { ApiTokenListModel, ApiTokenModel, CreatedApiTokenModel, PrincipalModel, toApiTokenModel, toCreatedApiTokenModel, toPrincipalModel } from './api-token.model';
import { CreateApiTokenInput } from './create-api-token.input';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1')
export class TokenController {
  constructor(private readonly tokens: TokensService) {}

  @Post('tokens')
  @ApiCreatedResponse({ type: CreatedApiTokenModel, description: 'The secret is in this response only' })
  @ApiOperation({ summary: 'Issue an API token' })
  @ApiProblemResponses(400, 409)
  async create(@Body() input: CreateApiTokenInput, @CurrentCaller() caller: Caller): Promise<CreatedApiTokenModel> {
    return toCreatedApiTokenModel(await this.tokens.create(CreateApiTokenCommand.from({ ...(input as TokenInput), caller })));
  }

  @Get('tokens')
  @ApiOkResponse({ type: ApiTokenListModel })
  @ApiOperation({ summary: 'List API tokens' })
  async list(@CurrentCaller() caller: Caller): Promise<ApiTokenListModel> {
    return { items: (await this.tokens.list(caller)).map(toApiTokenModel) };
  }

  @Delete('tokens/:id')
  @ApiOkResponse({ type: ApiTokenModel, description: 'Revoked at once' })
  @ApiOperation({ summary: 'Revoke an API token' })
  @ApiProblemResponses(404)
  async revoke(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ApiTokenModel> {
    return toApiTokenModel(await this.tokens.revoke(id, caller));
  }

  @Get('me')
  @ApiOkResponse({ type: PrincipalModel })
  @ApiOperation({ summary: 'Who the token belongs to' })
  me(@CurrentCaller() caller: Caller): PrincipalModel {
    return toPrincipalModel(this.tokens.whoAmI(caller));
  }
}
