import { AnalysisException } from '@palisade/netpol-engine';

import type { CliIo } from './cli-io.type';
import { CliErrorCode, CliException, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli.exception';
import { connectivityCommand } from './commands/connectivity.command';
import { diffCommand } from './commands/diff.command';
import { explainCommand } from './commands/explain.command';
import { lintCommand } from './commands/lint.command';
import { reachCommand } from './commands/reach.command';
import { USAGE } from './usage.constant';

type Command = (argv: readonly string[], io: CliIo) => number;

const COMMANDS: Readonly<Record<string, Command>> = {
  connectivity: connectivityCommand,
  diff: diffCommand,
  explain: explainCommand,
  lint: lintCommand,
  reach: reachCommand,
};

function report(e: unknown, io: CliIo): number {
  if (e instanceof CliException) {
    if (e.code === CliErrorCode.USAGE) {
      io.stderr(`palisade: ${e.message}\n\n${USAGE[e.command ?? ''] ?? USAGE['']}\n`);
      return EXIT_USAGE;
    }
    io.stderr([`palisade: ${e.message}`, ...e.details].join('\n') + '\n');
    return EXIT_FAILURE;
  }
  if (e instanceof AnalysisException) {
    io.stderr(`palisade: ${e.message}\n`);
    return EXIT_FAILURE;
  }
  // Never a stack trace: the message is what a user can act on.
  io.stderr(`palisade: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  return EXIT_FAILURE;
}

/**
 * Runs one `palisade` command line and returns its exit code: 0 ok, 1 invalid input (or a failing
 * lint), 2 usage error. Output goes through `io`, so tests run it in-process.
 *
 * @example runCli(['connectivity', 'test/fixtures/seed'], { stdout, stderr, cwd }) // 0
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw CliException.usage('missing command');
    if (command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${USAGE[rest[0] ?? ''] ?? USAGE['']}\n`);
      return EXIT_OK;
    }
    const run = COMMANDS[command];
    if (!run) throw CliException.usage(`unknown command ${JSON.stringify(command)}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${USAGE[command]}\n`);
      return EXIT_OK;
    }
    return run(rest, io);
  } catch (e) {
    return report(e, io);
  }
}
