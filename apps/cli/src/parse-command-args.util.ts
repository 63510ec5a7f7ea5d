import { parseArgs, type ParseArgsConfig } from 'node:util';

import { CliException } from './cli.exception';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * node's parseArgs, strict, with its errors turned into usage errors of `command`.
 *
 * @example parseCommandArgs('lint', ['dir', '--format', 'json'], { format: { type: 'string' } })
 * // { values: { format: 'json' }, positionals: ['dir'] }
 */
export function parseCommandArgs(command: string, args: readonly string[], options: Options): CommandArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as CommandArgs['values'], positionals };
  } catch (e) {
    throw CliException.usage(e instanceof Error ? e.message.split('\n')[0] : String(e), command);
  }
}

/** A string option restricted to `allowed`; `fallback` when absent. */
export function choiceOption<T extends string>(command: string, args: CommandArgs, name: string, allowed: readonly T[], fallback: T): T {
  const value = args.values[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw CliException.usage(`--${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`, command);
  }
  return value as T;
}

export function requiredString(command: string, args: CommandArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') throw CliException.usage(`--${name} is required`, command);
  return value;
}
