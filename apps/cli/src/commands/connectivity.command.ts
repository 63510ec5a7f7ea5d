import { createAnalysis, inventoryFromManifests } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { EXIT_OK } from '../cli.exception';
import { loadValidManifests } from '../input/load-manifests.util';
import { FLOW_FORMATS, writeFlows } from '../output/format-flows.util';
import { formatOption, inputPaths, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, inventoryWorkloads } from './common-options.util';
import { aggregateOption, flowFilterOption } from './flow-filter-options.util';

const COMMAND = 'connectivity';

/**
 * `palisade connectivity <dir-or-file...> [-o text|json|jsonl|csv|dot] [--aggregate namespace]
 * [--focus-workload ns/name] [-n NS]`: every allowed flow, written as a stream.
 */
export function connectivityCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const format = formatOption(COMMAND, args, FLOW_FORMATS, 'text');
  const aggregate = aggregateOption(COMMAND, args);
  const paths = inputPaths(COMMAND, args);
  const loaded = loadValidManifests(paths, io);
  const { inventory } = inventoryFromManifests(loaded);
  const analysis = createAnalysis({ inventory, policies: loaded.policies, options: analysisOptions(args) });
  const workloads = inventoryWorkloads(inventory);
  const filter = flowFilterOption(COMMAND, args, workloads, analysis.namespaces);
  writeFlows(() => (aggregate ? analysis.aggregatedFlows(filter) : analysis.flows(filter)), format, (text) => io.stdout(text), workloads);
  return EXIT_OK;
}
