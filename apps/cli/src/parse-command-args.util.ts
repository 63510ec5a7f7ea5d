import { parseArgs, type ParseArgsConfig } from 'node:util';

import { CliException } from './cli.exception';
import { COMMAND_OPTIONS } from './command-options.constant';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

function parserOptions(command: string): Options {
  const options: Options = {};
  for (const o of COMMAND_OPTIONS[command] ?? []) {
    options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  return options;
}

/**
 * node's parseArgs, strict, with the options of `command` in COMMAND_OPTIONS (the table its help is
 * printed from) and its errors turned into usage errors of `command`.
 *
 * @example parseCommandArgs('lint', ['dir', '-o', 'json'])
 * // { values: { output: 'json' }, positionals: ['dir'] }
 */
export function parseCommandArgs(command: string, args: readonly string[]): CommandArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: parserOptions(command), allowPositionals: true, strict: true });
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

/** `-o/--output`, or its synonym `--format`; both given must agree. */
export function formatOption<T extends string>(command: string, args: CommandArgs, allowed: readonly T[], fallback: T): T {
  const output = args.values['output'];
  const format = args.values['format'];
  if (output !== undefined && format !== undefined && output !== format) {
    throw CliException.usage(`--output ${String(output)} and --format ${String(format)} disagree: give one of them`, command);
  }
  return output !== undefined ? choiceOption(command, args, 'output', allowed, fallback) : choiceOption(command, args, 'format', allowed, fallback);
}

export function requiredString(command: string, args: CommandArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') throw CliException.usage(`--${name} is required`, command);
  return value;
}

/** The input paths: positionals, then every `-f/--filename`, in order; at least one. */
export function inputPaths(command: string, args: CommandArgs): string[] {
  const filenames = args.values['filename'];
  const paths = [...args.positionals, ...(Array.isArray(filenames) ? filenames : [])];
  if (paths.length === 0) throw CliException.usage('at least one directory or file is required (a path, -f PATH, or - for standard input)', command);
  return paths;
}
