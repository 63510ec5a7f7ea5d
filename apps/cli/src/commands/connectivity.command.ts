import { createAnalysis, inventoryFromManifests } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { EXIT_OK } from '../cli.exception';
import { loadValidManifests } from '../input/load-manifests.util';
import { FLOW_FORMATS, formatFlows } from '../output/format-flows.util';
import { formatOption, inputPaths, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, inventoryWorkloads } from './common-options.util';

const COMMAND = 'connectivity';

/** `palisade connectivity <dir-or-file...> [--format text|json|csv|dot]`: every allowed flow. */
export function connectivityCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const format = formatOption(COMMAND, args, FLOW_FORMATS, 'text');
  const paths = inputPaths(COMMAND, args);
  const loaded = loadValidManifests(paths, io);
  const { inventory } = inventoryFromManifests(loaded);
  const flows = createAnalysis({ inventory, policies: loaded.policies, options: analysisOptions(args) }).connectivity();
  io.stdout(formatFlows(flows, format, inventoryWorkloads(inventory)));
  return EXIT_OK;
}
