import type { NetworkPolicy } from '@palisade/netpol-engine';
import { ClusterConnectionRepository, type TransactionClient } from '@palisade/persistence';
import { Injectable } from '@nestjs/common';

import { PolicySyncErrorCode, PolicySyncException } from '../policy-sync.exception';
import { unsupportedFields } from './cluster-capabilities.util';

/**
 * Refuses policies a cluster's API server could not store, when the change is made (a proposal or
 * an import), rather than when the worker applies it. A cluster without a connection has no known
 * capabilities and is not checked here; the worker checks again before applying.
 */
@Injectable()
export class ClusterCapabilitiesService {
  constructor(private readonly connections: ClusterConnectionRepository) {}

  /** @throws PolicySyncException UNSUPPORTED_BY_CLUSTER naming each policy and field. */
  async assertCanStore(clusterId: string, policies: readonly NetworkPolicy[], tx?: TransactionClient): Promise<void> {
    const connection = await this.connections.findByClusterId(clusterId, tx);
    if (!connection) return;
    const unsupported = unsupportedFields(policies, connection.capabilities, connection.serverVersion);
    if (unsupported.length === 0) return;
    throw new PolicySyncException(
      PolicySyncErrorCode.UNSUPPORTED_BY_CLUSTER,
      `the cluster cannot store ${unsupported.length} field(s): ${unsupported.map((u) => `${u.policy} ${u.path}: ${u.reason}`).join('; ')}`,
      unsupported.map((u) => ({ path: `${u.policy}.${u.path}`, message: u.reason })),
    );
  }
}
