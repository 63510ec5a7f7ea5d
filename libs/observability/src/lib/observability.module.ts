import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';

import { Metrics } from './metrics.service';

/** The process's pino logger, for the access log and anything that writes structured fields. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** The process's logger and metrics registry, available everywhere. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }, Metrics],
      exports: [ROOT_LOGGER, Metrics],
    };
  }
}
