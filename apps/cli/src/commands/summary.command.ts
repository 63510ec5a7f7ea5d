import { createAnalysis, inventoryFromManifests, summarizeNamespaces } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { EXIT_OK } from '../cli.exception';
import { type LoadedManifests, loadValidManifests } from '../input/load-manifests.util';
import { formatSummary, SUMMARY_FORMATS, type SummaryFormat } from '../output/format-summary.util';
import { type CommandArgs, formatOption, inputPaths, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, inventoryWorkloads } from './common-options.util';
import { flowFilterOption } from './flow-filter-options.util';

const COMMAND = 'summary';

/** The command once its input is read: analysis, then one row per namespace. */
export function writeSummary(loaded: LoadedManifests, args: CommandArgs, format: SummaryFormat, io: CliIo): number {
  const { inventory } = inventoryFromManifests(loaded);
  const analysis = createAnalysis({ inventory, policies: loaded.policies, options: analysisOptions(args) });
  const filter = flowFilterOption(COMMAND, args, () => inventoryWorkloads(inventory), analysis.namespaces);
  io.stdout(formatSummary(summarizeNamespaces(analysis, filter?.namespaces ? { namespaces: filter.namespaces } : {}), format));
  return EXIT_OK;
}

/**
 * `palisade summary <dir-or-file...> [-o text|json|csv] [-n NS]`: per namespace, isolation and
 * how many workloads are reachable from other namespaces and the internet, and reach the internet.
 */
export function summaryCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const format = formatOption(COMMAND, args, SUMMARY_FORMATS, 'text');
  return writeSummary(loadValidManifests(inputPaths(COMMAND, args), io, { policyLocations: false }), args, format, io);
}
