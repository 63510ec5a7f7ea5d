import { createAnalysis, inventoryFromManifests } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { EXIT_OK } from '../cli.exception';
import { type LoadedManifests, loadValidManifests } from '../input/load-manifests.util';
import { FLOW_FORMATS, type FlowFormat, type FlowSink, writeFlows } from '../output/format-flows.util';
import { type CommandArgs, formatOption, inputPaths, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, inventoryWorkloads } from './common-options.util';
import { type Aggregate, aggregateOption, flowFilterOption } from './flow-filter-options.util';

const COMMAND = 'connectivity';

export interface ConnectivityOutput {
  format: FlowFormat;
  aggregate: Aggregate | undefined;
}

/** The output options, checked before any input is read. */
export function connectivityOutput(args: CommandArgs): ConnectivityOutput {
  return { format: formatOption(COMMAND, args, FLOW_FORMATS, 'text'), aggregate: aggregateOption(COMMAND, args) };
}

/** The CLI's stdout as a flow sink: bytes and piece lines where the CLI takes them. */
export function stdoutSink(io: CliIo): FlowSink {
  return { text: (text) => io.stdout(text), bytes: io.stdoutBytes?.bind(io), room: io.stdoutRoom?.bind(io), lines: io.stdoutLines?.bind(io) };
}

/** The command once its input is read: analysis, then the flows written as they are listed. */
export function writeConnectivity(loaded: LoadedManifests, args: CommandArgs, output: ConnectivityOutput, io: CliIo): number {
  const { inventory } = inventoryFromManifests(loaded);
  const analysis = createAnalysis({ inventory, policies: loaded.policies, options: analysisOptions(args) });
  const filter = flowFilterOption(COMMAND, args, () => inventoryWorkloads(inventory), analysis.namespaces);
  // DOT draws every workload, also those without flows; the other formats need no list of them.
  const workloads = output.format === 'dot' ? inventoryWorkloads(inventory) : [];
  const eitherEnd = output.aggregate === 'namespace-either-end';
  writeFlows(() => (output.aggregate ? analysis.aggregatedFlowListing(filter, { eitherEnd }) : analysis.flowListing(filter)), output.format, stdoutSink(io), workloads);
  return EXIT_OK;
}

/**
 * `palisade connectivity <dir-or-file...> [-o text|json|jsonl|csv|dot] [--aggregate namespace]
 * [--focus-workload ns/name] [-n NS]`: every allowed flow, written as a stream.
 */
export function connectivityCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const output = connectivityOutput(args);
  return writeConnectivity(loadValidManifests(inputPaths(COMMAND, args), io, { policyLocations: false }), args, output, io);
}
