import { findingsForPolicySet, inventoryFromManifests } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { EXIT_FAILURE, EXIT_OK } from '../cli.exception';
import { hasInventory, loadManifests } from '../input/load-manifests.util';
import { formatFinding } from '../output/format-findings.util';
import { LINT_FORMAT_NAMES } from '../command-options.constant';
import { formatOption, inputPaths, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, failOnOption, reachesSeverity } from './common-options.util';

const COMMAND = 'lint';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `palisade lint <dirs>`: validation errors and findings. Exit 1 on any error (or a finding at or
 * above `--fail-on`). Findings that need pods are only computed when the input has an inventory.
 */
export function lintCommand(argv: readonly string[], io: CliIo): number {
  const args = parseCommandArgs(COMMAND, argv);
  const format = formatOption(COMMAND, args, LINT_FORMAT_NAMES, 'text');
  const failOn = failOnOption(COMMAND, args);
  const paths = inputPaths(COMMAND, args);

  const loaded = loadManifests(paths, io);
  const inventory = hasInventory(loaded) ? inventoryFromManifests(loaded).inventory : undefined;
  const report = findingsForPolicySet({ policies: loaded.policies, ...(inventory ? { inventory } : {}), options: analysisOptions(args) });
  const failed = loaded.errors.length > 0 || reachesSeverity(report.maxSeverity, failOn);

  if (format === 'json') {
    io.stdout(`${JSON.stringify({ files: loaded.files, errors: loaded.errors, ...report }, null, 2)}\n`);
  } else {
    const lines = [...loaded.errors.map((e) => `ERROR ${e}`), ...report.findings.map((f) => formatFinding(f, loaded.policySource))];
    const max = report.maxSeverity === 'none' ? '' : ` (max severity ${report.maxSeverity})`;
    lines.push(
      `${plural(loaded.files.length, 'file')}, ${plural(loaded.policies.length, 'policy').replace('policys', 'policies')}: ${plural(loaded.errors.length, 'error')}, ${plural(report.findings.length, 'finding')}${max}${inventory ? '' : '; no Namespaces, Pods or workloads, so pod-dependent checks were skipped'}`,
    );
    io.stdout(`${lines.join('\n')}\n`);
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
