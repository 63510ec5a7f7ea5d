import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { type Analysis, AnalysisException, createAnalysis, type ReachResult } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_OK } from '../cli.exception';
import { STDIN_PATH } from '../input/collect-manifest-files.util';
import { readReachInput } from '../input/reach-input.util';
import { parseCommandArgs, requiredString } from '../parse-command-args.util';

const COMMAND = 'reach';

/**
 * `palisade reach --input FILE`: the machine interface. Reads {namespaces, pods, policies, queries,
 * options?} and prints {results: [{from, to, port, protocol, allowed}]} in query order.
 */
export function reachCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  if (args.positionals.length > 0) throw CliException.usage(`unexpected argument ${JSON.stringify(args.positionals[0])}`, COMMAND);
  const file = requiredString(COMMAND, args, 'input');
  let text: string;
  try {
    text = file === STDIN_PATH ? (io.stdin?.() ?? '') : readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
    throw CliException.input(`cannot read ${file}: ${reason}`);
  }
  const input = readReachInput(text, file);

  let analysis: Analysis;
  try {
    analysis = createAnalysis({ inventory: input.inventory, policies: input.policies, options: input.options });
  } catch (e) {
    if (e instanceof AnalysisException) throw CliException.input(`${file}: pods: ${e.message}`);
    throw e;
  }
  const errors: string[] = [];
  const results: ReachResult[] = [];
  input.queries.forEach((query, i) => {
    try {
      results.push(...analysis.reach([query]));
    } catch (e) {
      if (!(e instanceof AnalysisException)) throw e;
      errors.push(`${file}: queries[${i}]: ${e.message}`);
    }
  });
  if (errors.length > 0) throw CliException.input(`${file}: ${errors.length} invalid quer${errors.length === 1 ? 'y' : 'ies'}`, errors);
  io.stdout(`${JSON.stringify({ results }, null, 2)}\n`);
  return EXIT_OK;
}
