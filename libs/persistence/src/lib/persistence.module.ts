import { type DynamicModule, Global, Module } from '@nestjs/common';

import { ApiTokenRepository } from './api-token.repository';
import { ApprovalRuleRepository } from './approval-rule.repository';
import { AuditEventRepository } from './audit-event.repository';
import { ClusterRepository } from './cluster.repository';
import { ClusterConnectionRepository } from './cluster-connection.repository';
import { ClusterSyncStateRepository } from './cluster-sync-state.repository';
import { ConnectionHistoryRepository } from './connection-history.repository';
import { ConnectivityTrackingRepository } from './connectivity-tracking.repository';
import { GraphReadRepository } from './graph-read.repository';
import { InventorySnapshotRepository } from './inventory-snapshot.repository';
import { OperationalStatusRepository } from './operational-status.repository';
import { PolicySetVersionRepository } from './policy-set-version.repository';
import { PrincipalRepository } from './principal.repository';
import { ProposalRepository } from './proposal.repository';
import { ProposalAnalysisRepository } from './proposal-analysis.repository';
import { PERSISTENCE_OPTIONS, type PersistenceOptions, PrismaService } from './prisma.service';
import { WebhookRepository } from './webhook.repository';

const repositories = [
  ApiTokenRepository,
  ApprovalRuleRepository,
  AuditEventRepository,
  ClusterConnectionRepository,
  ClusterRepository,
  ClusterSyncStateRepository,
  ConnectionHistoryRepository,
  ConnectivityTrackingRepository,
  GraphReadRepository,
  InventorySnapshotRepository,
  OperationalStatusRepository,
  PolicySetVersionRepository,
  PrincipalRepository,
  ProposalAnalysisRepository,
  ProposalRepository,
  WebhookRepository,
];

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [{ provide: PERSISTENCE_OPTIONS, useValue: options }, PrismaService, ...repositories],
      exports: [PrismaService, ...repositories],
    };
  }
}
