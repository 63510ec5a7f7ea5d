import { findingsForPolicySet, inventoryFromManifests } from '@palisade/netpol-engine';

import type { CliIo } from '../cli-io.type';
import { EXIT_FAILURE, EXIT_OK } from '../cli.exception';
import { hasInventory, loadManifests } from '../input/load-manifests.util';
import { formatFinding, locateFinding } from '../output/format-findings.util';
import { lintMarkdown, lintSarif, lintSummary, type LintResult } from '../output/format-lint.util';
import { packageVersion } from '../package-version.util';
import { LINT_FORMAT_NAMES } from '../command-options.constant';
import { formatOption, inputPaths, parseCommandArgs } from '../parse-command-args.util';
import { analysisOptions, failOnOption, reachesSeverity } from './common-options.util';

const COMMAND = 'lint';

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

  const result: LintResult = { files: loaded.files, errors: loaded.manifestErrors, report, policyLocations: loaded.policyLocations, withInventory: inventory !== undefined };
  if (format === 'json') {
    const findings = report.findings.map((f) => ({ ...f, location: locateFinding(f, loaded.policyLocations) ?? null }));
    io.stdout(`${JSON.stringify({ files: loaded.files, errors: loaded.errors, ...report, findings }, null, 2)}\n`);
  } else if (format === 'md') {
    io.stdout(lintMarkdown(result, loaded.policies.length));
  } else if (format === 'sarif') {
    io.stdout(`${JSON.stringify(lintSarif(result, packageVersion()), null, 2)}\n`);
  } else {
    const lines = [...loaded.errors.map((e) => `ERROR ${e}`), ...report.findings.map((f) => formatFinding(f, loaded.policyLocations))];
    lines.push(`${lintSummary(result, loaded.policies.length)}${inventory ? '' : '; no Namespaces, Pods or workloads, so pod-dependent checks were skipped'}`);
    io.stdout(`${lines.join('\n')}\n`);
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
