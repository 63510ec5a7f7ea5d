import {
  type ClusterConnectionRecord,
  type ClusterRecord,
  ClusterRepository,
  type ClusterSyncStateRecord,
  GraphReadRepository,
  type InventorySnapshotSummary,
  type PolicySetVersionRecord,
  type ProposalAnalysisRecord,
  type ProposalRecord,
  type ReviewRecord,
} from '@palisade/persistence';
import { isClusterInScope, type Principal } from '@palisade/shared-types';
import { createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { Request } from 'express';

import { requestOf } from '../common/current-actor.decorator';

/** A page of a relation: `first` items per parent, one more read to tell whether a next page exists. */
export interface RelationPageKey {
  clusterId: string;
  first: number;
  statuses?: readonly string[];
}

const pageKey = (key: RelationPageKey): string => `${key.clusterId}|${key.first}|${(key.statuses ?? []).join(',')}`;

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Batches the keys of one tick by their page shape, one read per shape (one in practice). */
async function byShape<K extends RelationPageKey, R>(keys: readonly K[], read: (clusterIds: string[], first: number, statuses?: readonly string[]) => Promise<R[]>, clusterOf: (row: R) => string): Promise<R[][]> {
  const results = new Map<string, R[]>();
  for (const shape of groupBy(keys, (k) => `${k.first}|${(k.statuses ?? []).join(',')}`).values()) {
    const rows = await read([...new Set(shape.map((k) => k.clusterId))], shape[0].first, shape[0].statuses);
    const rowsByCluster = groupBy(rows, clusterOf);
    for (const key of shape) results.set(pageKey(key), rowsByCluster.get(key.clusterId) ?? []);
  }
  return keys.map((key) => results.get(pageKey(key)) ?? []);
}

/**
 * The loaders of one GraphQL request: each relation of the graph costs a fixed number of SQL
 * statements per request, whatever the number of parents. Loaders never return a row of a cluster
 * outside the caller's scope.
 */
export class RequestLoaders {
  constructor(
    private readonly principal: Principal,
    private readonly reads: GraphReadRepository,
    private readonly clusterRepository: ClusterRepository,
  ) {}

  private inScope(clusterName: string): boolean {
    return isClusterInScope(this.principal, clusterName);
  }

  /** Clusters by name; null outside the caller's scope or when there is none. */
  readonly cluster = new DataLoader<string, ClusterRecord | null>(async (names) => {
    const visible = names.filter((name) => this.inScope(name));
    const byName = new Map((await this.clusterRepository.list(visible)).map((c) => [c.name, c]));
    return names.map((name) => byName.get(name) ?? null);
  });

  readonly versions = new DataLoader<RelationPageKey, PolicySetVersionRecord[], string>(
    (keys) => byShape(keys, (ids, first) => this.reads.newestVersions(ids, first), (row) => row.clusterId),
    { cacheKeyFn: pageKey },
  );

  readonly proposals = new DataLoader<RelationPageKey, ProposalRecord[], string>(
    (keys) => byShape(keys, (ids, first, statuses) => this.reads.newestProposals(ids, first, statuses), (row) => row.clusterId),
    { cacheKeyFn: pageKey },
  );

  /** Proposals by id; null outside the caller's scope or when there is none. */
  readonly proposal = new DataLoader<string, ProposalRecord | null>(async (ids) => {
    const byId = new Map((await this.reads.proposalsByIds(ids)).filter((p) => this.inScope(p.clusterName)).map((p) => [p.id, p]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  /** Reviews by proposal id, oldest first (the proposal itself was loaded within the caller's scope). */
  readonly reviews = new DataLoader<string, ReviewRecord[]>(async (proposalIds) => {
    const byProposal = groupBy(await this.reads.reviews(proposalIds), (r) => r.proposalId);
    return proposalIds.map((id) => byProposal.get(id) ?? []);
  });

  readonly analysis = new DataLoader<string, ProposalAnalysisRecord | null>(async (proposalIds) => {
    const byProposal = new Map((await this.reads.analyses(proposalIds)).map((a) => [a.proposalId, a]));
    return proposalIds.map((id) => byProposal.get(id) ?? null);
  });

  /** Manifests of a version, keyed `cluster/number`. */
  readonly manifests = new DataLoader<{ clusterName: string; number: number }, unknown[], string>(
    async (versions) => {
      const visible = versions.filter((v) => this.inScope(v.clusterName));
      const byKey = await this.reads.manifests(visible);
      return versions.map((v) => byKey.get(`${v.clusterName}/${v.number}`) ?? []);
    },
    { cacheKeyFn: (v) => `${v.clusterName}/${v.number}` },
  );

  readonly syncState = new DataLoader<string, ClusterSyncStateRecord | null>(async (clusterIds) => {
    const byCluster = new Map((await this.reads.syncStates(clusterIds)).map((s) => [s.clusterId, s]));
    return clusterIds.map((id) => byCluster.get(id) ?? null);
  });

  readonly connection = new DataLoader<string, ClusterConnectionRecord | null>(async (clusterIds) => {
    const byCluster = new Map((await this.reads.connections(clusterIds)).map((c) => [c.clusterId, c]));
    return clusterIds.map((id) => byCluster.get(id) ?? null);
  });

  readonly inventory = new DataLoader<string, InventorySnapshotSummary | null>(async (clusterIds) => {
    const byCluster = new Map((await this.reads.latestInventories(clusterIds)).map((s) => [s.clusterId, s]));
    return clusterIds.map((id) => byCluster.get(id) ?? null);
  });
}

/**
 * A field resolver's parent, typed as a plain object: a class type would make the global
 * ValidationPipe validate the parent as if it were input.
 */
export type ParentOf<T> = Readonly<Pick<T, keyof T>>;

/**
 * The GraphQL request as resolvers take it (`@CurrentGraphqlRequest()`): a handle without own
 * properties, because the global pipes walk every argument and a request is a cyclic object.
 */
class GraphqlRequestHandle {
  readonly #req: Request;

  constructor(req: Request) {
    this.#req = req;
  }

  get req(): Request {
    return this.#req;
  }
}

/** A type, not the class: a class-typed parameter would be rebuilt by the global ValidationPipe, losing the request. */
export type GraphqlRequest = GraphqlRequestHandle;

export const CurrentGraphqlRequest = createParamDecorator((_: unknown, context: ExecutionContext): GraphqlRequest => new GraphqlRequestHandle(requestOf(context)));

/** Hands out one RequestLoaders per GraphQL request (never shared between requests or principals). */
@Injectable()
export class GraphLoaders {
  private readonly perRequest = new WeakMap<Request, RequestLoaders>();

  constructor(
    private readonly reads: GraphReadRepository,
    private readonly clusters: ClusterRepository,
  ) {}

  of({ req }: GraphqlRequest): RequestLoaders {
    let loaders = this.perRequest.get(req);
    if (!loaders) {
      if (!req.principal) throw new Error('no principal on the request: is the route public by mistake?');
      loaders = new RequestLoaders(req.principal, this.reads, this.clusters);
      this.perRequest.set(req, loaders);
    }
    return loaders;
  }
}
