import { isDeepStrictEqual } from 'node:util';

import { type ChangeFindingsReport, findingsForChange, formatFlow, type Inventory, inventoryFromManifests } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_FAILURE, EXIT_OK } from '../cli.exception';
import { hasInventory, type LoadedManifests, loadValidManifests } from '../input/load-manifests.util';
import { formatFinding } from '../output/format-findings.util';
import { writeFlowDiff } from '../output/format-flow-diff.util';
import { FLOW_FORMATS } from '../output/format-flows.util';
import { formatOption, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, failOnOption, reachesSeverity } from './common-options.util';
import { filterChangeReport } from './flow-filter-options.util';

const COMMAND = 'diff';

/**
 * The inventory of each side: `--inventory` for both, else each side's own, a side without one
 * borrowing the other's. Equal inventories become one object so the engine diffs incrementally.
 */
export function diffInventories(before: LoadedManifests, after: LoadedManifests, shared?: LoadedManifests): [Inventory | undefined, Inventory | undefined] {
  if (shared) {
    const inventory = inventoryFromManifests(shared).inventory;
    return [inventory, inventory];
  }
  const b = hasInventory(before) ? inventoryFromManifests(before).inventory : undefined;
  const a = hasInventory(after) ? inventoryFromManifests(after).inventory : undefined;
  if (!a || !b) return [b ?? a, a ?? b];
  return isDeepStrictEqual(a, b) ? [b, b] : [b, a];
}

function textReport(report: ChangeFindingsReport, after: LoadedManifests): string {
  const lines: string[] = [];
  const { added, modified, removed } = report.changes;
  lines.push(`policies: ${added.length} added, ${modified.length} modified, ${removed.length} removed`);
  if (!report.diff) lines.push('flows: not computed (no Namespaces, Pods or workloads in the input)');
  else if (report.connectivityUnchanged) lines.push('flows: no flow opened or closed');
  else {
    for (const flow of report.diff.added) lines.push(`+ ${formatFlow(flow)}`);
    for (const flow of report.diff.removed) lines.push(`- ${formatFlow(flow)}`);
  }
  const max = report.maxSeverity === 'none' ? '' : ` (max severity ${report.maxSeverity})`;
  lines.push(`findings: ${report.findings.length}${max}`);
  for (const f of report.findings) lines.push(formatFinding(f, after.policyLocations));
  return `${lines.join('\n')}\n`;
}

/**
 * `palisade diff <before> <after>`: flows a change opens and closes, and its findings, in every
 * format connectivity has (text, json, jsonl, csv, dot, md).
 */
export function diffCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const format = formatOption(COMMAND, args, FLOW_FORMATS, 'text');
  const failOn = failOnOption(COMMAND, args);
  if (args.positionals.length !== 2) throw CliException.usage(`expected <before> and <after>, got ${args.positionals.length} argument(s)`, COMMAND);
  const [beforePath, afterPath] = args.positionals as [string, string];
  const inventoryPaths = (args.values['inventory'] as unknown as string[] | undefined) ?? [];

  const before = loadValidManifests([beforePath], io, { policyLocations: false });
  const after = loadValidManifests([afterPath], io);
  const shared = inventoryPaths.length > 0 ? loadValidManifests(inventoryPaths, io, { policyLocations: false }) : undefined;
  const [beforeInventory, afterInventory] = diffInventories(before, after, shared);
  const options = analysisOptions(args);
  const report = filterChangeReport(
    COMMAND,
    args,
    findingsForChange(
      { policies: before.policies, ...(beforeInventory ? { inventory: beforeInventory } : {}), options },
      { policies: after.policies, ...(afterInventory ? { inventory: afterInventory } : {}), options },
    ),
    [beforeInventory, afterInventory],
  );
  if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === 'text') io.stdout(textReport(report, after));
  else {
    if (!report.diff) io.stderr('palisade: warning: flows not computed: no Namespaces, Pods or workloads in the input (give --inventory)\n');
    writeFlowDiff(report, format, after.policyLocations, (text) => io.stdout(text));
  }
  return reachesSeverity(report.maxSeverity, failOn) ? EXIT_FAILURE : EXIT_OK;
}
