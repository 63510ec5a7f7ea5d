import { AnalysisException } from '@palisade/netpol-engine';

import type { CliIo } from './cli-io.type';
import { CliErrorCode, CliException, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli.exception';
import { auditCommand } from './commands/audit.command';
import { connectivityCommand } from './commands/connectivity.command';
import { diffCommand } from './commands/diff.command';
import { explainCommand } from './commands/explain.command';
import { lintCommand } from './commands/lint.command';
import { mergeCommand } from './commands/merge.command';
import { proposalsCommand } from './commands/proposals.command';
import { proposeCommand } from './commands/propose.command';
import { reachCommand } from './commands/reach.command';
import { reviewCommand } from './commands/review.command';
import { summaryCommand } from './commands/summary.command';
import { packageVersion } from './package-version.util';
import { USAGE } from './usage.constant';

/** Local commands answer at once; server commands (propose, proposals, review, merge) asynchronously. */
type Command = (argv: readonly string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  audit: auditCommand,
  connectivity: connectivityCommand,
  diff: diffCommand,
  explain: explainCommand,
  lint: lintCommand,
  merge: mergeCommand,
  proposals: proposalsCommand,
  propose: proposeCommand,
  reach: reachCommand,
  review: reviewCommand,
  summary: summaryCommand,
};

/** Every command `palisade` runs. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

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
 * lint, or a server error), 2 usage error; `explain` also 3 (denied); `propose` also 4 (a finding reaches --fail-on) and 5
 * (the analysis is not ready in time). Local commands return the code, server commands a promise
 * of it. Output goes through `io`, so tests run it in-process.
 *
 * @example runCli(['connectivity', 'test/fixtures/seed'], { stdout, stderr, cwd }) // 0
 */
export function runCli(argv: readonly string[], io: CliIo): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw CliException.usage('missing command');
    if (command === '--version' || command === 'version') {
      io.stdout(`palisade ${packageVersion()}\n`);
      return EXIT_OK;
    }
    if (command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${USAGE[rest[0] ?? ''] ?? USAGE['']}\n`);
      return EXIT_OK;
    }
    const run = COMMANDS[command];
    if (!run) throw CliException.usage(`unknown command ${JSON.stringify(command)}`);
    // Before parsing, so `--help` works whatever else is on the line.
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${USAGE[command]}\n`);
      return EXIT_OK;
    }
    const code = run(rest, io);
    return typeof code === 'number' ? code : code.catch((e: unknown) => report(e, io));
  } catch (e) {
    return report(e, io);
  }
}
