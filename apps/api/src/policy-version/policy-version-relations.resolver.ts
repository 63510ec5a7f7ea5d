import { toProposalSummaryView } from '@palisade/proposals';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { CurrentGraphqlRequest, GraphLoaders, type GraphqlRequest, type ParentOf } from '../graphql/graph-loaders';
import { QUERY_COST } from '../graphql/query-cost.util';
import { JsonScalar } from '../common/json.scalar';
import { ProposalSummaryModel, toProposalSummaryModel } from '../proposal/proposal.model';
import { PolicyVersionModel, PolicyVersionSummaryModel } from './policy-version.model';

async function sourceProposalOf(loaders: GraphLoaders, request: GraphqlRequest, version: ParentOf<PolicyVersionSummaryModel>): Promise<ProposalSummaryModel | null> {
  if (version.sourceProposalId === null) return null;
  const proposal = await loaders.of(request).proposal.load(version.sourceProposalId);
  return proposal ? toProposalSummaryModel(toProposalSummaryView(proposal)) : null;
}

/** `PolicyVersionSummary.policies/sourceProposal` (items of pages): batched per request. */
@Resolver(() => PolicyVersionSummaryModel)
export class PolicyVersionSummaryRelationsResolver {
  constructor(private readonly loaders: GraphLoaders) {}

  @ResolveField('policies', () => [JsonScalar], { complexity: QUERY_COST.policies, description: 'NetworkPolicy manifests, by namespace then name' })
  async policies(@Parent() version: ParentOf<PolicyVersionSummaryModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<unknown[]> {
    // Every GraphQL path to a version sets its cluster; without one there is nothing to load.
    if (version.clusterName === undefined) return [];
    return this.loaders.of(request).manifests.load({ clusterName: version.clusterName, number: version.number });
  }

  @ResolveField('sourceProposal', () => ProposalSummaryModel, { nullable: true, complexity: QUERY_COST.field, description: 'The merged proposal this version came from; null for an import' })
  sourceProposal(@Parent() version: ParentOf<PolicyVersionSummaryModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ProposalSummaryModel | null> {
    return sourceProposalOf(this.loaders, request, version);
  }
}

/** `PolicyVersion.sourceProposal`, batched per request. */
@Resolver(() => PolicyVersionModel)
export class PolicyVersionRelationsResolver {
  constructor(private readonly loaders: GraphLoaders) {}

  @ResolveField('sourceProposal', () => ProposalSummaryModel, { nullable: true, complexity: QUERY_COST.field, description: 'The merged proposal this version came from; null for an import' })
  sourceProposal(@Parent() version: ParentOf<PolicyVersionModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ProposalSummaryModel | null> {
    return sourceProposalOf(this.loaders, request, version);
  }
}
