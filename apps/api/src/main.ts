import 'reflect-metadata';

import { ConfigError } from '@palisade/shared-types';
import { Logger } from '@nestjs/common';
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
  const app = bootstrap(await NestFactory.create(AppModule.register(env), { bodyParser: false, logger: [env.LOG_LEVEL, 'error', 'warn'] }));
  await app.listen(env.PORT, '0.0.0.0');
  Logger.log(`listening on ${await app.getUrl()}`, 'Api');
}

void main();
