import { AuditCheckpointsModule, AuditModule, parseAuditSigningKey } from '@palisade/audit';
import { Authenticator, AuthModule } from '@palisade/auth';
import { ClustersModule } from '@palisade/clusters';
import { ConnectionHistoryModule } from '@palisade/connection-history';
import { createLogger, ObservabilityModule } from '@palisade/observability';
import { PersistenceModule } from '@palisade/persistence';
import { PolicySyncModule } from '@palisade/policy-sync';
import { PolicyVersionsModule } from '@palisade/policy-versions';
import { ProposalsModule } from '@palisade/proposals';
import { parseSecretKey } from '@palisade/shared-types';
import { WebhooksModule } from '@palisade/webhooks';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Logger } from 'pino';

import { ApprovalRuleController } from './approval-rule/approval-rule.controller';
import { ApprovalRuleResolver } from './approval-rule/approval-rule.resolver';
import { AuditController } from './audit/audit.controller';
import { AuditResolver } from './audit/audit.resolver';
import { AuthenticationGuard } from './auth/authentication.guard';
import { BootstrapAdminInitializer } from './auth/bootstrap-admin.initializer';
import { graphqlContext } from './auth/graphql-context.factory';
import { PrincipalController } from './auth/principal.controller';
import { PrincipalRateLimitGuard } from './auth/principal-rate-limit.guard';
import { PrincipalResolver } from './auth/principal.resolver';
import { TokenController } from './auth/token.controller';
import { TokenResolver } from './auth/token.resolver';
import { ClusterController } from './cluster/cluster.controller';
import { ClusterRelationsResolver } from './cluster/cluster-relations.resolver';
import { ClusterResolver } from './cluster/cluster.resolver';
import { ClusterConnectionsResolver } from './connection/cluster-connections.resolver';
import { ConnectionController } from './connection/connection.controller';
import { ConnectionResolver } from './connection/connection.resolver';
import type { ApiEnv } from './config/env';
import { API_ENV } from './config/api-env.token';
import { explorerPagePlugin } from './graphql/explorer-page';
import { GraphLoaders } from './graphql/graph-loaders';
import { GraphqlExplorerController } from './graphql/graphql-explorer.controller';
import { QueryBudget } from './graphql/query-budget';
import { HealthController } from './health/health.controller';
import { InventoryController } from './inventory/inventory.controller';
import { InventoryResolver } from './inventory/inventory.resolver';
import { PolicySetParser } from './policy-version/policy-set.parser';
import { ApiMetricsCollector } from './metrics/api-metrics.collector';
import { MetricsController } from './metrics/metrics.controller';
import { PolicyVersionController } from './policy-version/policy-version.controller';
import { PolicyVersionRelationsResolver, PolicyVersionSummaryRelationsResolver } from './policy-version/policy-version-relations.resolver';
import { PolicyVersionResolver } from './policy-version/policy-version.resolver';
import { ClusterProposalController, ProposalController } from './proposal/proposal.controller';
import { ProposalAnalysisResolver } from './proposal/proposal-analysis.resolver';
import { ProposalRelationsResolver, ProposalSummaryRelationsResolver } from './proposal/proposal-relations.resolver';
import { ProposalResolver } from './proposal/proposal.resolver';
import { RequestBodyInterceptor } from './request-body/request-body.interceptor';
import { ClusterSyncController } from './sync/cluster-sync.controller';
import { ClusterSyncResolver } from './sync/cluster-sync.resolver';
import { WebhookController } from './webhook/webhook.controller';
import { WebhookResolver } from './webhook/webhook.resolver';

@Module({})
export class AppModule {
  /** `logger` is the one main.ts also gives Nest; without one, a logger is made from LOG_LEVEL and LOG_FORMAT. */
  static register(env: ApiEnv, logger?: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuditCheckpointsModule.register({
          // Validated by ApiEnv (IsAuditSigningKey).
          signingKey: env.PALISADE_AUDIT_SIGNING_KEY ? parseAuditSigningKey(env.PALISADE_AUDIT_SIGNING_KEY) : null,
          intervalMs: env.AUDIT_CHECKPOINT_INTERVAL_MS,
        }),
        AuditModule,
        AuthModule,
        ClustersModule,
        ConnectionHistoryModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [Authenticator],
          useFactory: (authenticator: Authenticator) => {
            const budget = new QueryBudget({
              maxDepth: env.PALISADE_GRAPHQL_MAX_DEPTH,
              maxAliases: env.PALISADE_GRAPHQL_MAX_ALIASES,
              maxCost: env.PALISADE_GRAPHQL_MAX_COST,
            });
            const explorer = env.PALISADE_GRAPHQL_EXPLORER === 'true';
            return {
              autoSchemaFile: true,
              sortSchema: true,
              path: '/graphql',
              // Authenticates, then refuses operations over the query budget, before Apollo parses them.
              context: graphqlContext(authenticator, budget),
              // Errors already carry their code and a safe message (ApiExceptionFilter); never a stack trace.
              includeStacktraceInErrorResponses: false,
              // Schema and field names are for operators who turn the explorer on, not for every caller.
              introspection: explorer,
              hideSchemaDetailsFromClientErrors: !explorer,
              // Nest's GraphiQL loads its scripts from a CDN: the explorer is a local page or nothing.
              graphiql: false,
              plugins: [budget.plugin(), ...(explorer ? [explorerPagePlugin()] : [])],
            };
          },
        }),
        ObservabilityModule.forRoot(logger ?? createLogger({ service: 'api', level: env.LOG_LEVEL, format: env.LOG_FORMAT })),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }),
        PolicySyncModule.register({
          // Validated by ApiEnv (IsSecretKey), so never null here.
          secretKey: parseSecretKey(env.PALISADE_SECRET_KEY) as Buffer,
          kubeRequestTimeoutMs: env.KUBE_REQUEST_TIMEOUT_MS,
          userAgent: 'palisade-api',
          allowLoopbackAddresses: env.PALISADE_ALLOW_LOOPBACK_ADDRESSES === 'true',
          inventoryUpload: { maxBytes: env.INVENTORY_UPLOAD_MAX_BYTES, maxObjects: env.INVENTORY_UPLOAD_MAX_OBJECTS, retain: env.INVENTORY_RETAIN },
        }),
        PolicyVersionsModule,
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: env.RATE_LIMIT_PER_MINUTE }],
          skipIf: () => env.RATE_LIMIT_PER_MINUTE === 0,
        }),
        ProposalsModule.register({
          threads: env.ANALYSIS_THREADS,
          timeoutMs: env.ANALYSIS_TIMEOUT_MS,
          reconcileMs: env.ANALYSIS_RECONCILE_MS,
          databaseUrl: env.DATABASE_URL,
        }, { perCluster: env.PROPOSAL_QUOTA_PER_CLUSTER, perPrincipal: env.PROPOSAL_QUOTA_PER_PRINCIPAL }),
        WebhooksModule.register({
          secretKey: parseSecretKey(env.PALISADE_SECRET_KEY) as Buffer,
          allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true',
        }),
      ],
      controllers: [
        ApprovalRuleController,
        AuditController,
        ClusterController,
        ClusterProposalController,
        ClusterSyncController,
        ConnectionController,
        ...(env.PALISADE_GRAPHQL_EXPLORER === 'true' ? [GraphqlExplorerController] : []),
        HealthController,
        InventoryController,
        MetricsController,
        PolicyVersionController,
        PrincipalController,
        ProposalController,
        TokenController,
        WebhookController,
      ],
      providers: [
        { provide: API_ENV, useValue: env },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        // After authentication: counts per principal, before any body is read.
        { provide: APP_GUARD, useClass: PrincipalRateLimitGuard },
        ApiMetricsCollector,
        // After the guard: bodies are read only once the caller is known (and allowed to send one).
        { provide: APP_INTERCEPTOR, useClass: RequestBodyInterceptor },
        ApprovalRuleResolver,
        AuditResolver,
        BootstrapAdminInitializer,
        ClusterConnectionsResolver,
        ClusterRelationsResolver,
        ClusterResolver,
        ClusterSyncResolver,
        ConnectionResolver,
        GraphLoaders,
        InventoryResolver,
        PolicySetParser,
        PolicyVersionRelationsResolver,
        PolicyVersionResolver,
        PolicyVersionSummaryRelationsResolver,
        PrincipalResolver,
        ProposalAnalysisResolver,
        ProposalRelationsResolver,
        ProposalResolver,
        ProposalSummaryRelationsResolver,
        TokenResolver,
        WebhookResolver,
      ],
    };
  }
}
