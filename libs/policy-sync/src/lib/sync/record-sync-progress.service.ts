import { AuditRecorder } from '@palisade/audit';
import { type ClusterRecord, ClusterSyncStateRepository, PrismaService, type SyncProgress } from '@palisade/persistence';
import { Injectable } from '@nestjs/common';

import { type SyncTarget, workerActor } from './sync-target.type';
import { WORKER_TRANSACTION } from './worker-transaction.constant';

/** An audit event about the cluster, recorded by the worker together with its progress. */
export interface SyncAuditEvent {
  cluster: ClusterRecord;
  action: string;
  before: unknown;
  after: unknown;
}

/**
 * The worker's one way to write a cluster's sync state: the progress (fenced by the lease) and,
 * when given, the audit event that explains it, in one transaction, so both land or neither does.
 */
@Injectable()
export class RecordSyncProgressService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly syncStates: ClusterSyncStateRepository,
    private readonly audit: AuditRecorder,
  ) {}

  async execute(target: SyncTarget, progress: SyncProgress, event?: SyncAuditEvent): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await this.syncStates.recordProgress(target.lease, progress, tx);
      if (!event) return;
      await this.audit.record(tx, {
        actor: workerActor(target.lease),
        action: event.action,
        clusterId: event.cluster.id,
        clusterName: event.cluster.name,
        subjectType: 'cluster',
        subjectId: event.cluster.id,
        before: event.before,
        after: event.after,
      });
    }, WORKER_TRANSACTION);
  }
}
