import type { ClustersService } from '@palisade/clusters';
import type { Caller } from '@palisade/shared-types';

/**
 * The cluster ids a connection query may read: the named cluster (FORBIDDEN outside the caller's
 * scope, CLUSTER_NOT_FOUND when missing, as everywhere else), else every cluster of the caller's
 * scope, else (an unscoped caller) null for every cluster.
 */
export async function clustersToSearch(caller: Caller, cluster: string | undefined, clusters: ClustersService): Promise<string[] | null> {
  if (cluster !== undefined) return [(await clusters.get(cluster, caller)).id];
  if (caller.principal.clusters === null) return null;
  return (await clusters.list(caller)).map((c) => c.id);
}
