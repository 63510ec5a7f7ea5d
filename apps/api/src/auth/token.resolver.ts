import { CreateApiTokenCommand, type CreateApiTokenInput as TokenInput, TokensService } from '@palisade/auth';
import type { Caller } from '@palisade/shared-types';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { ApiTokenModel, CreatedApiTokenModel, PrincipalModel, toApiTokenModel, toCreatedApiTokenModel, toPrincipalModel } from './api-token.model';
import { CreateApiTokenInput } from './create-api-token.input';

@Resolver(() => ApiTokenModel)
export class TokenResolver {
  constructor(private readonly tokenService: TokensService) {}

  @Query(() => PrincipalModel, { description: 'The authenticated caller' })
  me(@CurrentCaller() caller: Caller): PrincipalModel {
    return toPrincipalModel(this.tokenService.whoAmI(caller));
  }

  @Query(() => [ApiTokenModel], { description: 'API tokens (admins), newest first; never their secrets' })
  async apiTokens(@CurrentCaller() caller: Caller): Promise<ApiTokenModel[]> {
    return (await this.tokenService.list(caller)).map(toApiTokenModel);
  }

  @Mutation(() => CreatedApiTokenModel, { description: 'Creates an API token (admins); the secret is returned once' })
  async createApiToken(@Args('input') input: CreateApiTokenInput, @CurrentCaller() caller: Caller): Promise<CreatedApiTokenModel> {
    return toCreatedApiTokenModel(await this.tokenService.create(CreateApiTokenCommand.from({ ...(input as TokenInput), caller })));
  }

  @Mutation(() => ApiTokenModel, { description: 'Revokes an API token at once (admins)' })
  async revokeApiToken(@Args('id') id: string, @CurrentCaller() caller: Caller): Promise<ApiTokenModel> {
    return toApiTokenModel(await this.tokenService.revoke(id, caller));
  }
}
