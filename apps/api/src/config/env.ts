import { IsSecretKey, loadEnv } from '@palisade/shared-types';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** The API's environment, validated once at boot. No other file reads process.env. */
export class ApiEnv {
  @IsString({ message: 'DATABASE_URL is required (postgresql://user:password@host:5432/database)' })
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string = undefined as unknown as string;

  @Type(() => Number)
  @IsInt({ message: 'PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 0 and 65535' })
  PORT = 3000;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be one of error, warn, log, debug, verbose' })
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @Type(() => Number)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Max(200, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  DATABASE_POOL_SIZE = 10;

  /** Becomes the first admin's API token when no admin exists (see README, "Tokens and roles"). */
  @IsOptional()
  @Matches(/^pal_[A-Za-z0-9_-]{32,}$/, {
    message: 'PALISADE_BOOTSTRAP_ADMIN_TOKEN must be "pal_" followed by at least 32 letters, digits, "-" or "_"',
  })
  PALISADE_BOOTSTRAP_ADMIN_TOKEN?: string = undefined;

  /** Encrypts cluster credentials (AES-256-GCM); the sync worker needs the same key. */
  @IsSecretKey()
  PALISADE_SECRET_KEY: string = undefined as unknown as string;

  /** Deadline of one request to a cluster's API server (connection checks). */
  @Type(() => Number)
  @IsInt({ message: 'KUBE_REQUEST_TIMEOUT_MS must be an integer between 100 and 300000' })
  @Min(100, { message: 'KUBE_REQUEST_TIMEOUT_MS must be an integer between 100 and 300000' })
  @Max(300000, { message: 'KUBE_REQUEST_TIMEOUT_MS must be an integer between 100 and 300000' })
  KUBE_REQUEST_TIMEOUT_MS = 10000;
}

export function loadApiEnv(env: Record<string, string | undefined>): ApiEnv {
  return loadEnv(ApiEnv, env);
}
