export * from './lib/create-logger.util';
export * from './lib/metrics-endpoint.util';
export * from './lib/metrics.service';
export * from './lib/observability.module';
export * from './lib/pino-logger.service';
