import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

import { AppModule } from '../../apps/api/src/app.module';
import { PinoLoggerService } from '../../libs/observability/src';
import { bootstrap } from '../../apps/api/src/bootstrap';
import { loadApiEnv } from '../../apps/api/src/config/env';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src';

export interface GqlResult<T = Record<string, unknown>> {
  data: T | null;
  errors?: { message: string; extensions?: { code?: string; details?: unknown[] } }[];
}

export interface MintedToken {
  /** The bearer secret. */
  token: string;
  id: string;
  principalId: string;
}

export interface MintTokenInput {
  name: string;
  kind?: 'human' | 'bot';
  roles: ('admin' | 'approver' | 'proposer' | 'auditor' | 'reporter')[];
  clusters?: string[] | null;
  groups?: string[];
  expiresAt?: string;
}

export interface TestApp {
  app: INestApplication;
  /** Authenticated as the bootstrap admin (every role's checks pass for it). */
  http: TestAgent;
  /** No Authorization header. */
  anonymous: TestAgent;
  db: TestDatabase;
  /** An agent sending `Authorization: Bearer <token>`. */
  as(token: string): TestAgent;
  /** Creates a token through the API as the admin. */
  mintToken(input: MintTokenInput): Promise<MintedToken>;
  /** GraphQL as the admin, or as `token`. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/** The first admin's token of every test app (PALISADE_BOOTSTRAP_ADMIN_TOKEN). */
export const TEST_ADMIN_TOKEN = 'pal_test-bootstrap-admin-0000000000000000000000';

/** The credentials key test apps and in-process test workers share. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * Boots the production AppModule through the same bootstrap() as main.ts, on a fresh database, or on
 * `options.database` (another replica, or the service started again, on a database that outlives the
 * first app: close that one with `app.close()`; `close()` drops the database).
 */
export async function createTestApp(extraEnv: Record<string, string> = {}, options: { logger?: Logger; database?: TestDatabase } = {}): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const env = loadApiEnv({
    // The application's role, as in production: it owns nothing and can only append to the audit.
    DATABASE_URL: db.appUrl,
    LOG_LEVEL: 'error',
    DATABASE_POOL_SIZE: '5',
    PALISADE_SECRET_KEY: TEST_SECRET_KEY,
    PALISADE_BOOTSTRAP_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // Suites drive hundreds of requests a minute with one token; the rate limit's own tests set it.
    RATE_LIMIT_PER_MINUTE: '0',
    // The suites' kube-apiservers listen on 127.0.0.1; the refusal has its own test.
    PALISADE_ALLOW_LOOPBACK_ADDRESSES: 'true',
    ...extraEnv,
  });
  // With a logger (tests reading the logs), Nest writes through it as main.ts does.
  const app = bootstrap(
    await NestFactory.create(AppModule.register(env, options.logger), { bodyParser: false, logger: options.logger ? new PinoLoggerService(options.logger) : ['error'] }),
  );
  await app.init();
  const as = (token: string): TestAgent => request.agent(app.getHttpServer()).set('Authorization', `Bearer ${token}`);
  const http = as(TEST_ADMIN_TOKEN);
  return {
    app,
    http,
    anonymous: request(app.getHttpServer()),
    db,
    as,
    async mintToken(input: MintTokenInput): Promise<MintedToken> {
      const response = await http.post('/api/v1/tokens').send({ kind: 'human', ...input });
      if (response.status !== 201) throw new Error(`minting a token failed: ${response.status} ${JSON.stringify(response.body)}`);
      const body = response.body as { secret: string; id: string; principal: { id: string } };
      return { token: body.secret, id: body.id, principalId: body.principal.id };
    },
    async gql<T>(query: string, variables?: Record<string, unknown>, token: string = TEST_ADMIN_TOKEN): Promise<GqlResult<T>> {
      const response = await request(app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query, variables });
      return response.body as GqlResult<T>;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
