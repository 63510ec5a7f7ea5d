import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {}

/**
 * Builds and validates a typed config class from environment variables (only the class's own
 * properties are read). Throws ConfigError naming every missing or malformed variable.
 */
export function loadEnv<T extends object>(EnvClass: new () => T, env: Record<string, string | undefined>): T {
  const known = Object.keys(new EnvClass());
  const picked = Object.fromEntries(known.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]));
  const config = plainToInstance(EnvClass, picked);
  // One line per distinct message: a variable failing several checks that share a message is named once.
  const problems = [
    ...new Set(validateSync(config).flatMap((error) => Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`))),
  ];
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
