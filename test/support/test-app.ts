import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

import { AppModule } from '../../apps/api/src/app.module';
import { bootstrap } from '../../apps/api/src/bootstrap';
import { loadApiEnv } from '../../apps/api/src/config/env';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src';

export interface GqlResult<T = Record<string, unknown>> {
  data: T | null;
  errors?: { message: string; extensions?: { code?: string; details?: unknown[] } }[];
}

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  db: TestDatabase;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/** Boots the production AppModule through the same bootstrap() as main.ts, on a fresh database. */
export async function createTestApp(extraEnv: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const env = loadApiEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'error', DATABASE_POOL_SIZE: '5', ...extraEnv });
  const app = bootstrap(await NestFactory.create(AppModule.register(env), { logger: ['error'] }));
  await app.init();
  const http = request(app.getHttpServer());
  return {
    app,
    http,
    db,
    async gql<T>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> {
      const response = await request(app.getHttpServer()).post('/graphql').send({ query, variables });
      return response.body as GqlResult<T>;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
