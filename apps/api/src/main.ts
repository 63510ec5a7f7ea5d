import 'reflect-metadata';

import { createLogger, PinoLoggerService } from '@palisade/observability';
import { databaseProblem } from '@palisade/persistence';
import { ConfigError } from '@palisade/shared-types';
import { NestFactory } from '@nestjs/core';

import { AppModule } from './app.module';
import { bootstrap } from './bootstrap';
import { loadApiEnv } from './config/env';

async function main(): Promise<void> {
  let env;
  try {
    env = loadApiEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`palisade-api: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger({ service: 'api', level: env.LOG_LEVEL, format: env.LOG_FORMAT });
  // A database that is down or misconfigured is one clear line, not a driver's stack trace.
  const problem = await databaseProblem(env.DATABASE_URL);
  if (problem) {
    process.stderr.write(`palisade-api: ${problem}\n`);
    process.exit(69); // EX_UNAVAILABLE
  }
  try {
    const app = bootstrap(
      await NestFactory.create(AppModule.register(env, logger), { bodyParser: false, logger: new PinoLoggerService(logger), abortOnError: false }),
    );
    await app.listen(env.PORT, env.HOST);
    const address = app.getHttpServer().address() as { port: number };
    logger.info({ context: 'Api', host: env.HOST, port: address.port }, `listening on http://${env.HOST}:${address.port}`);
  } catch (error) {
    process.stderr.write(`palisade-api: could not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  }
}

void main();
