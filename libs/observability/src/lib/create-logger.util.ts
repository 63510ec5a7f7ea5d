import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Nest's level names, as LOG_LEVEL takes them; each is a threshold: it and every more severe level print. */
export type LogLevelName = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type LogFormat = 'json' | 'pretty';

const PINO_LEVELS: Record<LogLevelName, pino.Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Where secrets could sit in a log line: credentials in headers, and any field named like a token,
 * secret, kubeconfig or password up to two levels deep. Values there are replaced by "[redacted]".
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['authorization', 'token', 'secret', 'kubeconfig', 'password', 'bearerToken', 'clientKey', 'signingKey'].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export interface LoggerOptions {
  /** Names the process in every line (`api`, `sync-worker`). */
  service: string;
  level: LogLevelName;
  /** Forced format; when absent: pretty on a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Where lines go; stdout when absent. Tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Whether the destination is a terminal (decides the format when none is forced); stdout's when absent. */
  isTty?: boolean;
}

/** The format a process writes: the forced one, else human-readable on a terminal and JSON into files and pipes. */
export function resolveLogFormat(forced: LogFormat | undefined, isTty: boolean): LogFormat {
  return forced ?? (isTty ? 'pretty' : 'json');
}

/** A pino logger at LOG_LEVEL's threshold, JSON or pretty, with secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const format = resolveLogFormat(options.format, options.isTty ?? process.stdout.isTTY === true);
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const stream =
    format === 'pretty'
      ? pretty({ destination, colorize: options.isTty ?? process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true })
      : destination;
  return pino(
    {
      level: PINO_LEVELS[options.level],
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    stream,
  );
}
