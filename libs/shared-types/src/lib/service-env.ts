import 'reflect-metadata';

import { Type } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

import { IsSecretKey } from './secret-key.util';

/** An integer variable in [min, max]; every violation names the variable and the range. */
export function IntegerEnv(name: string, min: number, max: number): PropertyDecorator {
  const message = `${name} must be an integer between ${min} and ${max}`;
  const decorators = [Type(() => Number), IsInt({ message }), Min(min, { message }), Max(max, { message })];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

/** What the API and the sync worker both read: the database, logging, the credentials key, cluster deadlines. */
export class ServiceEnv {
  @IsString({ message: 'DATABASE_URL is required (postgresql://user:password@host:5432/database)' })
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string = undefined as unknown as string;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be one of error, warn, log, debug, verbose' })
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Forces the log format; when unset, human-readable on a terminal and JSON lines otherwise. */
  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT?: 'json' | 'pretty' = undefined;

  /** Address the HTTP listeners bind (API port, worker health port); the container image sets 0.0.0.0. */
  @IsIP(undefined, { message: 'HOST must be an IP address such as 127.0.0.1 or 0.0.0.0' })
  HOST = '127.0.0.1';

  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`; open otherwise. */
  @IsOptional()
  @Matches(/^\S{16,}$/, { message: 'METRICS_TOKEN must be at least 16 characters without spaces' })
  METRICS_TOKEN?: string = undefined;

  @IntegerEnv('DATABASE_POOL_SIZE', 1, 200)
  DATABASE_POOL_SIZE = 10;

  /** Encrypts cluster credentials (AES-256-GCM); the API and every worker need the same key. */
  @IsSecretKey()
  PALISADE_SECRET_KEY: string = undefined as unknown as string;

  /** Deadline of one request to a Kubernetes API server. */
  @IntegerEnv('KUBE_REQUEST_TIMEOUT_MS', 100, 300000)
  KUBE_REQUEST_TIMEOUT_MS = 10000;

  /** Inventory snapshots kept per cluster, watched (worker) and uploaded (API) alike; older ones are deleted. */
  @IntegerEnv('INVENTORY_RETAIN', 1, 100000)
  INVENTORY_RETAIN = 100;

  /** `true` lets webhook URLs point at loopback, private, link-local or metadata addresses (tests, labs); refused otherwise. */
  @IsIn(['true', 'false'], { message: 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' | 'false' = 'false';
}
