import 'reflect-metadata';

import { createLogger, PinoLoggerService } from '@palisade/observability';
import { databaseProblem } from '@palisade/persistence';
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
  const logger = createLogger({ service: 'sync-worker', level: env.LOG_LEVEL, format: env.LOG_FORMAT });
  const problem = await databaseProblem(env.DATABASE_URL);
  if (problem) {
    process.stderr.write(`palisade-sync-worker: ${problem}\n`);
    process.exit(69); // EX_UNAVAILABLE
  }
  try {
    const app = await NestFactory.createApplicationContext(SyncWorkerModule.register(env, logger), {
      logger: new PinoLoggerService(logger),
      abortOnError: false,
    });
    app.enableShutdownHooks();
  } catch (error) {
    process.stderr.write(`palisade-sync-worker: could not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  }
}

void main();
