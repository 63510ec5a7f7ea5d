import { compareSeverity, FINDING_SEVERITY_ORDER } from './finding-catalog.constant';
import type { Finding, FindingCode, FindingSeverity, FindingsReport } from './finding.type';

function compareText(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Most serious first, then by code, first policy, path and message: a stable order for output and tests. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareSeverity(b.severity, a.severity) ||
      compareText(a.code, b.code) ||
      compareText(a.policies[0], b.policies[0]) ||
      compareText(a.path, b.path) ||
      compareText(a.message, b.message),
  );
}

/**
 * Sorts findings, drops repeats (same fingerprint) and adds the summary.
 *
 * @example summarizeFindings([]) // { findings: [], maxSeverity: 'none', counts: { info: 0, low: 0, medium: 0, high: 0 }, codes: {} }
 */
export function summarizeFindings(findings: readonly Finding[]): FindingsReport {
  const seen = new Set<string>();
  const unique = findings.filter((f) => !seen.has(f.fingerprint) && seen.add(f.fingerprint));
  const counts = Object.fromEntries(FINDING_SEVERITY_ORDER.map((s) => [s, 0])) as Record<FindingSeverity, number>;
  const codes: Partial<Record<FindingCode, number>> = {};
  let maxSeverity: FindingSeverity | 'none' = 'none';
  for (const f of unique) {
    counts[f.severity]++;
    codes[f.code] = (codes[f.code] ?? 0) + 1;
    if (maxSeverity === 'none' || compareSeverity(f.severity, maxSeverity) > 0) maxSeverity = f.severity;
  }
  return { findings: sortFindings(unique), maxSeverity, counts, codes };
}
