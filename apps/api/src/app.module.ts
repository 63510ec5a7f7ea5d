import { ClustersModule } from '@palisade/clusters';
import { PersistenceModule } from '@palisade/persistence';
import { PolicyVersionsModule } from '@palisade/policy-versions';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';

import { ClusterController } from './cluster/cluster.controller';
import { ClusterResolver } from './cluster/cluster.resolver';
import type { ApiEnv } from './config/env';
import { API_ENV } from './config/api-env.token';
import { HealthController } from './health/health.controller';
import { PolicyVersionController } from './policy-version/policy-version.controller';
import { PolicyVersionResolver } from './policy-version/policy-version.resolver';

@Module({})
export class AppModule {
  static register(env: ApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ClustersModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          context: ({ req }: { req: Request }) => ({ req }),
          // Errors already carry their code and a safe message (ApiExceptionFilter); never a stack trace.
          includeStacktraceInErrorResponses: false,
        }),
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }),
        PolicyVersionsModule,
      ],
      controllers: [ClusterController, HealthController, PolicyVersionController],
      providers: [{ provide: API_ENV, useValue: env }, ClusterResolver, PolicyVersionResolver],
    };
  }
}
