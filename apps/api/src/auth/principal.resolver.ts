import { CreatePrincipalCommand, PrincipalsService } from '@palisade/auth';
import type { Caller } from '@palisade/shared-types';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { CreatePrincipalInput } from './create-principal.input';
import { RegisteredPrincipalModel, toRegisteredPrincipalModel } from './principal.model';

@Resolver(() => RegisteredPrincipalModel)
export class PrincipalResolver {
  constructor(private readonly principalService: PrincipalsService) {}

  @Query(() => [RegisteredPrincipalModel], { description: 'Principals (admins), oldest first; a scoped admin sees those created within its scope' })
  async principals(@CurrentCaller() caller: Caller): Promise<RegisteredPrincipalModel[]> {
    return (await this.principalService.list(caller)).map(toRegisteredPrincipalModel);
  }

  @Mutation(() => RegisteredPrincipalModel, { description: 'Creates a principal (admins whose scope is every cluster)' })
  async createPrincipal(@Args('input') input: CreatePrincipalInput, @CurrentCaller() caller: Caller): Promise<RegisteredPrincipalModel> {
    return toRegisteredPrincipalModel(await this.principalService.create(CreatePrincipalCommand.from({ ...input, caller })));
  }
}
