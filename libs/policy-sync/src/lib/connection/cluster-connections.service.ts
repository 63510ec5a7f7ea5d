import { AuditRecorder } from '@palisade/audit';
import { ClustersService } from '@palisade/clusters';
import { ClusterConnectionRepository, ClusterSyncStateRepository, PrismaService } from '@palisade/persistence';
import { assertClusterInScope, assertRole, type Caller } from '@palisade/shared-types';
import { Inject, Injectable } from '@nestjs/common';

import { PolicySyncErrorCode, PolicySyncException } from '../policy-sync.exception';
import { POLICY_SYNC_OPTIONS, type PolicySyncOptions } from '../policy-sync.options';
import { checkConnection } from './check-connection.util';
import { ConnectionCredentialsStore } from './connection-credentials.store';
import { authMethodOf, type ConnectionView, toConnectionView } from './connection.view';
import type { SaveConnectionCommand } from './save-connection.command';

@Injectable()
export class ClusterConnectionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClustersService,
    private readonly connections: ClusterConnectionRepository,
    private readonly syncStates: ClusterSyncStateRepository,
    private readonly store: ConnectionCredentialsStore,
    private readonly audit: AuditRecorder,
    @Inject(POLICY_SYNC_OPTIONS) private readonly options: PolicySyncOptions,
  ) {}

  /**
   * Checks the credentials against the server (it answers; they may do what the worker does),
   * records its version and capabilities, and stores them encrypted (admins). A new connection also
   * clears a refused version and any backoff, so the worker tries again with it.
   */
  async save(command: SaveConnectionCommand): Promise<ConnectionView> {
    assertRole(command.caller, ['admin']);
    assertClusterInScope(command.caller, command.clusterName);
    const cluster = await this.clusters.get(command.clusterName, command.caller);
    const check = await checkConnection(command.credentials, {
      requestTimeoutMs: this.options.kubeRequestTimeoutMs,
      userAgent: this.options.userAgent,
      allowLoopbackAddresses: this.options.allowLoopbackAddresses ?? false,
    });
    const saved = await this.prisma.$transaction(async (tx) => {
      const before = await this.connections.findByClusterId(cluster.id, tx);
      const record = await this.connections.save(
        {
          clusterId: cluster.id,
          credentials: this.store.seal(cluster.id, command.credentials),
          serverVersion: check.serverVersion,
          capabilities: check.capabilities,
          checkedAt: new Date(),
        },
        tx,
      );
      await this.syncStates.ensure(cluster.id, tx);
      await this.syncStates.requestRetry(cluster.id, tx);
      await this.audit.record(tx, {
        actor: command.caller.principal.actor,
        action: before ? 'cluster.connection_replaced' : 'cluster.connection_saved',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subjectType: 'cluster',
        subjectId: cluster.id,
        before: before ? { serverVersion: before.serverVersion } : undefined,
        // Never the credentials: only what they reach and how they authenticate.
        after: { serverVersion: record.serverVersion, capabilities: record.capabilities, authMethod: authMethodOf(command.credentials) },
        request: command.caller.request,
      });
      return record;
    });
    return toConnectionView(saved, command.credentials);
  }

  async get(clusterName: string, caller: Caller): Promise<ConnectionView> {
    const cluster = await this.clusters.get(clusterName, caller);
    const loaded = await this.store.load(cluster.id);
    if (!loaded) {
      throw new PolicySyncException(PolicySyncErrorCode.CONNECTION_NOT_FOUND, `cluster "${clusterName}" has no connection yet`);
    }
    return toConnectionView(loaded.record, loaded.credentials);
  }
}
