import 'reflect-metadata';

import { ConfigError } from '@palisade/shared-types';
import { NestFactory } from '@nestjs/core';

import { loadWorkerEnv } from './config/env';
import { SyncWorkerModule } from './sync-worker.module';

async function main(): Promise<void> {
  let env;
  try {
    env = loadWorkerEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`palisade-sync-worker: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(SyncWorkerModule.register(env), {
    logger: [env.LOG_LEVEL, 'error', 'warn'],
  });
  app.enableShutdownHooks();
}

void main();
