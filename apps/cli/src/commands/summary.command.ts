import { createAnalysis, inventoryFromManifests, summarizeNamespaces } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { EXIT_OK } from '../cli.exception';
import { loadValidManifests } from '../input/load-manifests.util';
import { formatSummary, SUMMARY_FORMATS } from '../output/format-summary.util';
import { formatOption, inputPaths, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, inventoryWorkloads } from './common-options.util';
import { flowFilterOption } from './flow-filter-options.util';

const COMMAND = 'summary';

/**
 * `palisade summary <dir-or-file...> [-o text|json|csv] [-n NS]`: per namespace, isolation and
 * how many workloads are reachable from other namespaces and the internet, and reach the internet.
 */
export function summaryCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const format = formatOption(COMMAND, args, SUMMARY_FORMATS, 'text');
  const paths = inputPaths(COMMAND, args);
  const loaded = loadValidManifests(paths, io);
  const { inventory } = inventoryFromManifests(loaded);
  const analysis = createAnalysis({ inventory, policies: loaded.policies, options: analysisOptions(args) });
  const filter = flowFilterOption(COMMAND, args, inventoryWorkloads(inventory), analysis.namespaces);
  io.stdout(formatSummary(summarizeNamespaces(analysis, filter?.namespaces ? { namespaces: filter.namespaces } : {}), format));
  return EXIT_OK;
}
