import type { Flow } from '@palisade/netpol-engine';
import type { ConnectionChangeCause } from '@palisade/persistence';
import type { Actor } from '@palisade/shared-types';

/**
 * What changed in a cluster's connectivity, and why: the engine's flows opened and closed between
 * the previous head (or inventory) and the new one. Recorded in the caller's transaction.
 */
export interface ConnectivityChangeInput {
  clusterId: string;
  clusterName: string;
  /** The head version after the change; null when the cluster has none. */
  version: number | null;
  /** INITIAL for the first version; INVENTORY when a new snapshot changed what the head allows. */
  cause: ConnectionChangeCause;
  proposalId: string | null;
  author: Actor | null;
  approvers: { id: string | null; name: string }[];
  /** The inventory snapshot the flows were computed on. */
  snapshotId: string | null;
  occurredAt: Date;
  opened: Flow[];
  closed: Flow[];
}
