import { AuditRecorder } from '@palisade/audit';
import { ClustersService } from '@palisade/clusters';
import { ClusterConnectionRepository, ClusterSyncStateRepository, PrismaService } from '@palisade/persistence';
import { assertClusterInScope, assertRole, type Caller } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { type SyncStatusView, toSyncStatusView } from './sync-status.view';
import type { UpdateSyncSettingsCommand } from './update-sync-settings.command';

@Injectable()
export class SyncStatusService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClustersService,
    private readonly syncStates: ClusterSyncStateRepository,
    private readonly connections: ClusterConnectionRepository,
    private readonly audit: AuditRecorder,
  ) {}

  async get(clusterName: string, caller: Caller): Promise<SyncStatusView> {
    const cluster = await this.clusters.get(clusterName, caller);
    const [state, connection] = await Promise.all([this.syncStates.find(cluster.id), this.connections.findByClusterId(cluster.id)]);
    return toSyncStatusView(cluster, state, connection);
  }

  /** Drift mode (report or heal) and whether conflicts are forced (admins). */
  async updateSettings(command: UpdateSyncSettingsCommand): Promise<SyncStatusView> {
    assertRole(command.caller, ['admin']);
    assertClusterInScope(command.caller, command.clusterName);
    const cluster = await this.clusters.get(command.clusterName, command.caller);
    await this.prisma.$transaction(async (tx) => {
      const before = await this.syncStates.ensure(cluster.id, tx);
      const after = await this.syncStates.updateSettings(
        cluster.id,
        { driftMode: command.mode === undefined ? undefined : command.mode === 'heal' ? 'HEAL' : 'REPORT', forceConflicts: command.forceConflicts },
        tx,
      );
      // Turning force on is how a conflict gets resolved: let the worker try the refused version again.
      if (command.forceConflicts === true && !before.forceConflicts) await this.syncStates.requestRetry(cluster.id, tx);
      await this.audit.record(tx, {
        actor: command.caller.principal.actor,
        action: 'sync.settings_updated',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subjectType: 'cluster',
        subjectId: cluster.id,
        before: { mode: before.driftMode.toLowerCase(), forceConflicts: before.forceConflicts },
        after: { mode: after.driftMode.toLowerCase(), forceConflicts: after.forceConflicts },
        request: command.caller.request,
      });
    });
    return this.get(command.clusterName, command.caller);
  }

  /** Asks the worker to try again now: forgets a refused version and any backoff (admins). */
  async retry(clusterName: string, caller: Caller): Promise<SyncStatusView> {
    assertRole(caller, ['admin']);
    assertClusterInScope(caller, clusterName);
    const cluster = await this.clusters.get(clusterName, caller);
    await this.prisma.$transaction(async (tx) => {
      const before = await this.syncStates.ensure(cluster.id, tx);
      await this.syncStates.requestRetry(cluster.id, tx);
      await this.audit.record(tx, {
        actor: caller.principal.actor,
        action: 'sync.retry_requested',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subjectType: 'cluster',
        subjectId: cluster.id,
        before: { status: before.status, failedVersion: before.failedVersion, attempts: before.attempts },
        after: { failedVersion: null, attempts: 0 },
        request: caller.request,
      });
    });
    return this.get(clusterName, caller);
  }
}
