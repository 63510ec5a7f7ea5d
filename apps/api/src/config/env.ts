import { IntegerEnv, loadEnv, ServiceEnv } from '@palisade/shared-types';
import { IsOptional, Matches } from 'class-validator';

/** The API's environment, validated once at boot. No other file reads process.env. */
export class ApiEnv extends ServiceEnv {
  @IntegerEnv('PORT', 0, 65535)
  PORT = 3000;

  /** Becomes the first admin's API token when no admin exists (see README, "Tokens and roles"). */
  @IsOptional()
  @Matches(/^pal_[A-Za-z0-9_-]{32,}$/, {
    message: 'PALISADE_BOOTSTRAP_ADMIN_TOKEN must be "pal_" followed by at least 32 letters, digits, "-" or "_"',
  })
  PALISADE_BOOTSTRAP_ADMIN_TOKEN?: string = undefined;
}

export function loadApiEnv(env: Record<string, string | undefined>): ApiEnv {
  return loadEnv(ApiEnv, env);
}
