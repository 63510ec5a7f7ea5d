import 'reflect-metadata';

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { NestFactory } from '@nestjs/core';

import { AppModule } from '../apps/api/src/app.module';
import { loadApiEnv } from '../apps/api/src/config/env';
import { printApiSchema } from '../apps/api/src/graphql-schema.util';

// `npm run schema:gql`: writes apps/api/schema.gql. Building the schema opens no database connection.
async function main(): Promise<void> {
  const env = loadApiEnv({
    DATABASE_URL: 'postgresql://schema-only@127.0.0.1:1/none',
    LOG_LEVEL: 'error',
    PALISADE_SECRET_KEY: Buffer.alloc(32).toString('base64'), // never used: no connection is made
  });
  const app = await NestFactory.create(AppModule.register(env), { logger: ['error'] });
  await app.init();
  const target = join(__dirname, '..', 'apps', 'api', 'schema.gql');
  writeFileSync(target, printApiSchema(app));
  await app.close();
  process.stdout.write(`wrote ${target}\n`);
}

void main();
