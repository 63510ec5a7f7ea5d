import { CreatePrincipalCommand, PrincipalsService } from '@palisade/auth';
import type { Caller } from '@palisade/shared-types';
import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { CreatePrincipalInput } from './create-principal.input';
import { RegisteredPrincipalListModel, RegisteredPrincipalModel, toRegisteredPrincipalModel } from './principal.model';

@ApiTags('principals')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1')
export class PrincipalController {
  constructor(private readonly principals: PrincipalsService) {}

  @Post('principals')
  @ApiCreatedResponse({ type: RegisteredPrincipalModel, description: 'Unscoped admins only; 409 PRINCIPAL_ALREADY_EXISTS for a taken name' })
  @ApiOperation({ summary: 'Register a principal' })
  @ApiProblemResponses(400, 409)
  async create(@Body() input: CreatePrincipalInput, @CurrentCaller() caller: Caller): Promise<RegisteredPrincipalModel> {
    return toRegisteredPrincipalModel(await this.principals.create(CreatePrincipalCommand.from({ ...input, caller })));
  }

  @Get('principals')
  @ApiOkResponse({ type: RegisteredPrincipalListModel, description: 'Admins, oldest first; a scoped admin sees those created within its scope' })
  @ApiOperation({ summary: 'List registered principals' })
  async list(@CurrentCaller() caller: Caller): Promise<RegisteredPrincipalListModel> {
    return { items: (await this.principals.list(caller)).map(toRegisteredPrincipalModel) };
  }
}
