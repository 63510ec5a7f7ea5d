import { loadEnv } from '@palisade/shared-types';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** The sync worker's environment, validated before anything else starts. */
export class WorkerEnv {
  @IsString({ message: 'DATABASE_URL is required (postgresql://user:password@host:5432/database)' })
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string = undefined as unknown as string;

  /** Port of the worker's own /healthz endpoint. */
  @Type(() => Number)
  @IsInt({ message: 'WORKER_HEALTH_PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'WORKER_HEALTH_PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'WORKER_HEALTH_PORT must be an integer between 0 and 65535' })
  WORKER_HEALTH_PORT = 3001;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be one of error, warn, log, debug, verbose' })
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @Type(() => Number)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Max(200, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  DATABASE_POOL_SIZE = 5;
}

export function loadWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  return loadEnv(WorkerEnv, env);
}
