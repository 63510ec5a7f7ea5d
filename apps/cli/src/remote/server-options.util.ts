import type { CliIo } from '../cli-io.type';
import { CliException } from '../cli.exception';
import { type CommandArgs, requiredString } from '../parse-command-args.util';
import { DEFAULT_RETRY_DELAYS_MS, PalisadeClient } from './palisade-client';

/** The environment variable holding the API token: a flag would land in shell history and CI logs. */
export const TOKEN_VARIABLE = 'PALISADE_TOKEN';

/** Comma-separated pauses in ms between retries (tests set `0,0,0`); default 200,400,800. */
export const RETRY_DELAYS_VARIABLE = 'PALISADE_RETRY_DELAYS_MS';

function retryDelays(io: CliIo): readonly number[] {
  const text = io.env?.[RETRY_DELAYS_VARIABLE];
  if (text === undefined || text.trim() === '') return DEFAULT_RETRY_DELAYS_MS;
  const delays = text.split(',').map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isInteger(d) || d < 0 || d > 60_000)) {
    throw CliException.usage(`${RETRY_DELAYS_VARIABLE} must be comma-separated milliseconds (0-60000), got ${JSON.stringify(text)}`);
  }
  return delays;
}

/** The client for `--server`, authenticated with PALISADE_TOKEN; usage errors for a missing one or a --token flag. */
export function serverClient(command: string, args: CommandArgs, io: CliIo): PalisadeClient {
  if (args.values['token'] !== undefined) throw CliException.usage(`--token is not accepted: set the ${TOKEN_VARIABLE} environment variable`, command);
  const server = requiredString(command, args, 'server');
  let parsed: URL;
  try {
    parsed = new URL(server);
  } catch {
    throw CliException.usage(`--server must be a URL such as https://palisade.example.com (got ${JSON.stringify(server)})`, command);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw CliException.usage(`--server must be an http or https URL (got ${JSON.stringify(server)})`, command);
  const token = io.env?.[TOKEN_VARIABLE];
  if (token === undefined || token === '') throw CliException.usage(`${TOKEN_VARIABLE} is not set: export the API token in ${TOKEN_VARIABLE}`, command);
  return new PalisadeClient({ server, token, retryDelaysMs: retryDelays(io) });
}

/** The one positional a command takes, e.g. a proposal id. */
export function singlePositional(command: string, args: CommandArgs, what: string): string {
  if (args.positionals.length !== 1) throw CliException.usage(`expected one ${what}, got ${args.positionals.length} argument(s)`, command);
  return args.positionals[0] as string;
}
