import { ImportVersionCommand, PolicyVersionsService } from '@palisade/policy-versions';
import { assertClusterInScope, assertRole, type Caller } from '@palisade/shared-types';
import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { pagedCost } from '../graphql/query-cost.util';
import { POLICY_SET_ROLES } from '../request-body/body-access.decorator';
import { ImportVersionInput } from './import-version.input';
import { policySetInputOf } from './policy-set-input.util';
import { PolicySetParser } from './policy-set.parser';
import { PolicyVersionModel, PolicyVersionPageModel, toPolicyVersionModel, toPolicyVersionSummaryModel } from './policy-version.model';

@Resolver(() => PolicyVersionModel)
export class PolicyVersionResolver {
  constructor(
    private readonly versionService: PolicyVersionsService,
    private readonly policySets: PolicySetParser,
  ) {}

  @Query(() => PolicyVersionPageModel, { description: 'Versions of a cluster, newest first', complexity: pagedCost(20) })
  async versions(
    @Args('cluster') cluster: string,
    @Args('first', { type: () => Int, defaultValue: 20 }, new PositiveIntPipe('first', 100)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<PolicyVersionPageModel> {
    const page = await this.versionService.list(cluster, { cursor: after ?? undefined, limit: first }, caller);
    return { items: page.items.map((v) => ({ ...toPolicyVersionSummaryModel(v), clusterName: cluster })), nextCursor: page.nextCursor };
  }

  @Query(() => PolicyVersionModel, { description: 'One version of a cluster; its head when number is omitted' })
  async version(
    @Args('cluster') cluster: string,
    @CurrentCaller() caller: Caller,
    @Args('number', { type: () => Int, nullable: true }) number?: number,
  ): Promise<PolicyVersionModel> {
    return {
      ...toPolicyVersionModel(await this.versionService.get(cluster, number == null ? 'head' : new PositiveIntPipe('number').transform(number), caller)),
      clusterName: cluster,
    };
  }

  @Mutation(() => PolicyVersionModel, { description: "Imports a cluster's first version" })
  async importVersion(
    @Args('cluster') cluster: string,
    @Args('input') input: ImportVersionInput,
    @CurrentCaller() caller: Caller,
  ): Promise<PolicyVersionModel> {
    // Refused before the policy set is read, as REST refuses before reading the body (@ReadsBodyAfter).
    assertRole(caller, POLICY_SET_ROLES.importVersion);
    assertClusterInScope(caller, cluster);
    const policies = await this.policySets.check(policySetInputOf(input), caller);
    return toPolicyVersionModel(await this.versionService.importVersion(ImportVersionCommand.from({ clusterName: cluster, input: policies, caller })));
  }
}
