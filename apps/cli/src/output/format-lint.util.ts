import { FINDING_CATALOG, type Finding, type FindingSeverity, type FindingsReport, type ManifestError, type PolicyLocation } from '@palisade/netpol-engine';

import { locateFinding } from './format-findings.util';
import { markdownTable } from './markdown-table.util';

/** What `palisade lint` found, for its Markdown and SARIF reports. */
export interface LintResult {
  files: readonly string[];
  errors: readonly ManifestError[];
  report: FindingsReport;
  policyLocations: ReadonlyMap<string, PolicyLocation>;
  /** Whether pod-dependent checks ran (the input had Namespaces, Pods or workloads). */
  withInventory: boolean;
}

/** The rule id of a validation error (a finding's is its code). */
export const MANIFEST_ERROR_RULE = 'MANIFEST_INVALID';

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `3 files, 5 policies: 1 error, 2 findings (max severity medium)`. */
export function lintSummary(r: LintResult, policies: number): string {
  const max = r.report.maxSeverity === 'none' ? '' : ` (max severity ${r.report.maxSeverity})`;
  return `${plural(r.files.length, 'file')}, ${plural(policies, 'policy', 'policies')}: ${plural(r.errors.length, 'error')}, ${plural(r.report.findings.length, 'finding')}${max}`;
}

/**
 * A Markdown report for a pull-request comment: a summary line and one table row per error and
 * finding with its file, line, document and field.
 */
export function lintMarkdown(r: LintResult, policies: number): string {
  const lines = [`### palisade lint: ${lintSummary(r, policies)}`, ''];
  if (!r.withInventory) lines.push('_No Namespaces, Pods or workloads in the input, so pod-dependent checks were skipped._', '');
  if (r.errors.length + r.report.findings.length === 0) return `${lines.concat('No errors and no findings.').join('\n')}\n`;
  const rows = [
    ...r.errors.map((e) => ['ERROR', MANIFEST_ERROR_RULE, e.source ? `\`${e.source}\`` : '', e.line, e.document, e.path ? `\`${e.path}\`` : '', e.message]),
    ...r.report.findings.map((f) => {
      const at = locateFinding(f, r.policyLocations);
      return [f.severity.toUpperCase(), f.code, at?.file ? `\`${at.file}\`` : '', at?.line, at ? `${at.document}${at.item ? ` ${at.item}` : ''}` : '', f.path ? `\`${f.path}\`` : '', f.message];
    }),
  ];
  lines.push(markdownTable(['Severity', 'Rule', 'File', 'Line', 'Document', 'Field', 'Message'], rows, '...rr'));
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };

function sarifLocation(file: string | undefined, line: number | undefined, document: number, item?: string) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file ?? '') },
      ...(line === undefined ? {} : { region: { startLine: line } }),
    },
    // SARIF has no YAML documents: the document (and List item) is a logical location of the file.
    logicalLocations: [{ name: `document ${document}${item ? ` ${item}` : ''}`, kind: 'module' }],
  };
}

/**
 * SARIF 2.1.0 for code scanning: one rule per finding code (and one for validation errors), one
 * result per error and finding, located by file (artifact URI relative to the working directory),
 * line and document (in `properties` and as a logical location).
 */
export function lintSarif(r: LintResult, version: string): object {
  const codes = [...new Set(r.report.findings.map((f) => f.code))].sort();
  const rules = [
    { id: MANIFEST_ERROR_RULE, name: 'ManifestInvalid', shortDescription: { text: 'Manifest is not valid (YAML syntax, missing or wrong field)' }, defaultConfiguration: { level: 'error' } },
    ...codes.map((code) => ({ id: code, shortDescription: { text: FINDING_CATALOG[code].title }, defaultConfiguration: { level: SARIF_LEVEL[FINDING_CATALOG[code].severity] }, properties: { severity: FINDING_CATALOG[code].severity } })),
  ];
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const errorResults = r.errors.map((e) => ({
    ruleId: MANIFEST_ERROR_RULE,
    ruleIndex: 0,
    level: 'error',
    message: { text: e.path ? `${e.path}: ${e.message}` : e.message },
    locations: [sarifLocation(e.source, e.line, e.document)],
    properties: { document: e.document, ...(e.path ? { path: e.path } : {}) },
  }));
  const findingResults = r.report.findings.map((f: Finding) => {
    const at = locateFinding(f, r.policyLocations);
    return {
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: at ? [sarifLocation(at.file, at.line, at.document, at.item)] : [],
      partialFingerprints: { 'palisadeFinding/v1': f.fingerprint },
      properties: { severity: f.severity, policies: f.policies, ...(at ? { document: at.document } : {}), ...(at?.item ? { item: at.item } : {}), ...(f.path ? { path: f.path } : {}) },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'palisade', version, rules } },
        artifacts: r.files.map((file) => ({ location: { uri: encodeURI(file) } })),
        results: [...errorResults, ...findingResults],
      },
    ],
  };
}
