import type { ComplexityEstimatorArgs } from '@nestjs/graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What one field costs in the query budget (README, "GraphQL query budget"). A field that reads the
 * database costs at least 1; work that grows with the data costs more.
 */
export const QUERY_COST = {
  /** A root query or mutation, or a relation loaded per parent (Cluster.sync, Proposal.cluster...). */
  field: 1,
  /** Recomputes the whole audit hash chain. */
  verifyAudit: 1000,
  /** Unified diffs of every policy a proposal touches (megabytes on large proposals). */
  diff: 1000,
  /** Every manifest of a version. */
  policies: 50,
  /** A full inventory snapshot with its pods. */
  inventory: 100,
  /** One flow of an analysis page. */
  flow: 2,
  /** Lists without a `first` argument count as this many items. */
  assumedListSize: 100,
} as const;

/**
 * The cost of a paged list: `own` plus `first` (or `defaultFirst`) times what each item costs, at
 * least `itemCost`. Used as `complexity` on fields taking `first`.
 */
export function pagedCost(defaultFirst: number, itemCost: number = QUERY_COST.field) {
  return ({ args, childComplexity }: ComplexityEstimatorArgs): number => {
    const first = typeof args['first'] === 'number' && args['first'] > 0 ? args['first'] : defaultFirst;
    return QUERY_COST.field + first * Math.max(childComplexity, itemCost);
  };
}

/** The cost of a list without `first`: `own` plus `assumedListSize` times what each item costs. */
export function unpagedCost(own: number = QUERY_COST.field) {
  return ({ childComplexity }: ComplexityEstimatorArgs): number => own + QUERY_COST.assumedListSize * childComplexity;
}

/**
 * Fields without their own `complexity`: a root query or mutation costs 1 plus what it selects, a
 * nested field what it selects (values already loaded with their parent), a leaf nothing.
 */
export const defaultCostEstimator: ComplexityEstimator = ({ type, childComplexity }) =>
  type.name === 'Query' || type.name === 'Mutation' ? QUERY_COST.field + childComplexity : childComplexity;
