import { toAnalysisView, toReviewView } from '@palisade/proposals';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { ClusterModel, toClusterModel } from '../cluster/cluster.model';
import { CurrentGraphqlRequest, GraphLoaders, type GraphqlRequest, type ParentOf } from '../graphql/graph-loaders';
import { QUERY_COST } from '../graphql/query-cost.util';
import { ProposalAnalysisModel, toProposalAnalysisModel } from './proposal-analysis.model';
import { ProposalModel, ProposalSummaryModel, ReviewModel, type ReviewVerdict } from './proposal.model';

/** `Proposal.cluster`: the cluster itself, batched per request. */
@Resolver(() => ProposalModel)
export class ProposalRelationsResolver {
  constructor(private readonly loaders: GraphLoaders) {}

  @ResolveField('cluster', () => ClusterModel, { nullable: true, complexity: QUERY_COST.field })
  async cluster(@Parent() proposal: ParentOf<ProposalSummaryModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ClusterModel | null> {
    const cluster = await this.loaders.of(request).cluster.load(proposal.cluster);
    return cluster ? toClusterModel(cluster) : null;
  }
}

/** `ProposalSummary.cluster/reviews/analysis` (items of pages): batched per request. */
@Resolver(() => ProposalSummaryModel)
export class ProposalSummaryRelationsResolver {
  constructor(private readonly loaders: GraphLoaders) {}

  @ResolveField('cluster', () => ClusterModel, { nullable: true, complexity: QUERY_COST.field })
  async cluster(@Parent() proposal: ParentOf<ProposalSummaryModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ClusterModel | null> {
    const cluster = await this.loaders.of(request).cluster.load(proposal.cluster);
    return cluster ? toClusterModel(cluster) : null;
  }

  @ResolveField('reviews', () => [ReviewModel], { complexity: QUERY_COST.field })
  async reviews(@Parent() proposal: ParentOf<ProposalSummaryModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ReviewModel[]> {
    const reviews = await this.loaders.of(request).reviews.load(proposal.id);
    return reviews.map((r) => ({ ...toReviewView(r, proposal.revision), verdict: r.verdict as ReviewVerdict }));
  }

  @ResolveField('analysis', () => ProposalAnalysisModel, { nullable: true, complexity: QUERY_COST.field, description: "The current revision's analysis; null before the first one" })
  async analysis(@Parent() proposal: ParentOf<ProposalSummaryModel>, @CurrentGraphqlRequest() request: GraphqlRequest): Promise<ProposalAnalysisModel | null> {
    const analysis = await this.loaders.of(request).analysis.load(proposal.id);
    return analysis ? toProposalAnalysisModel(proposal.id, toAnalysisView(analysis)) : null;
  }
}
