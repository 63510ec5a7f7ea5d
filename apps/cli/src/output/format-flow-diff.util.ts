import { type ChangeFindingsReport, type Flow, formatEndpoint, formatPorts, type PolicyLocation } from '@palisade/netpol-engine';

import { ChunkedWriter, markdownCode } from './format-flows.util';
import { locateFinding } from './format-findings.util';
import { markdownTable } from './markdown-table.util';

type Change = 'added' | 'removed';

function* changedFlows(report: ChangeFindingsReport): Iterable<[Change, Flow]> {
  for (const flow of report.diff?.added ?? []) yield ['added', flow];
  for (const flow of report.diff?.removed ?? []) yield ['removed', flow];
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function dotId(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** csv: `change,from,to,protocol,port_from,port_to`, one row per changed flow and port range. */
function writeCsv(report: ChangeFindingsReport, out: ChunkedWriter): void {
  out.push('change,from,to,protocol,port_from,port_to\n');
  for (const [change, flow] of changedFlows(report)) {
    const prefix = `${change},${csvField(formatEndpoint(flow.from))},${csvField(formatEndpoint(flow.to))}`;
    for (const p of flow.ports) for (const [lo, hi] of p.ranges) out.push(`${prefix},${p.protocol},${lo},${hi}\n`);
  }
}

/** dot: the changed flows as edges, opened green and closed red (dashed), external ranges as ellipses. */
function writeDot(report: ChangeFindingsReport, out: ChunkedWriter): void {
  out.push('digraph palisade_diff {\n  rankdir=LR;\n  node [shape=box, fontname="Helvetica"];\n  edge [fontname="Helvetica", fontsize=10];\n');
  const external = new Set<string>();
  for (const [, flow] of changedFlows(report)) for (const e of [flow.from, flow.to]) if (e.kind === 'cidr') external.add(formatEndpoint(e));
  for (const id of [...external].sort()) out.push(`  ${dotId(id)} [shape=ellipse];\n`);
  for (const [change, flow] of changedFlows(report)) {
    const style = change === 'added' ? 'color="#1a7f37", fontcolor="#1a7f37"' : 'color="#cf222e", fontcolor="#cf222e", style=dashed';
    out.push(`  ${dotId(formatEndpoint(flow.from))} -> ${dotId(formatEndpoint(flow.to))} [label=${dotId(`${change === 'added' ? '+' : '-'} ${formatPorts(flow.ports)}`)}, ${style}];\n`);
  }
  out.push('}\n');
}

/**
 * md: a pull-request comment: a summary line, then tables of the flows opened and closed and of
 * the findings (with their file, line and document).
 */
function writeMarkdown(report: ChangeFindingsReport, locations: ReadonlyMap<string, PolicyLocation>, out: ChunkedWriter): void {
  const { added, modified, removed } = report.changes;
  const flows = report.diff ? `${report.diff.added.length} flows opened, ${report.diff.removed.length} closed` : 'flows not computed (no Namespaces, Pods or workloads in the input)';
  const max = report.maxSeverity === 'none' ? '' : ` (max severity ${report.maxSeverity})`;
  out.push(`### palisade diff: ${added.length} policies added, ${modified.length} modified, ${removed.length} removed; ${flows}; ${report.findings.length} findings${max}\n`);
  if (report.diff && report.diff.added.length + report.diff.removed.length > 0) {
    out.push('\n| Change | From | To | Ports |\n| --- | --- | --- | --- |\n');
    for (const [change, flow] of changedFlows(report)) {
      out.push(`| ${change === 'added' ? '➕ opened' : '➖ closed'} | ${markdownCode(formatEndpoint(flow.from))} | ${markdownCode(formatEndpoint(flow.to))} | ${formatPorts(flow.ports)} |\n`);
    }
  }
  if (report.findings.length > 0) {
    const rows = report.findings.map((f) => {
      const at = locateFinding(f, locations);
      return [f.severity.toUpperCase(), f.code, at?.file ? `\`${at.file}\`` : '', at?.line, at ? `${at.document}${at.item ? ` ${at.item}` : ''}` : '', f.message];
    });
    out.push(`\n${markdownTable(['Severity', 'Finding', 'File', 'Line', 'Document', 'Message'], rows, '...rr')}\n`);
  }
}

export type FlowDiffFormat = 'jsonl' | 'csv' | 'dot' | 'md';

/**
 * Writes the flows a change opens and closes (and, in md, its findings) in one of the flow formats
 * connectivity has: jsonl one `{"change": "added"|"removed", from, to, ports}` per line, csv with
 * a `change` column, dot with coloured edges, md a pull-request comment.
 */
export function writeFlowDiff(report: ChangeFindingsReport, format: FlowDiffFormat, locations: ReadonlyMap<string, PolicyLocation>, write: (text: string) => void): void {
  const out = new ChunkedWriter(write);
  if (format === 'jsonl') for (const [change, flow] of changedFlows(report)) out.push(`${JSON.stringify({ change, ...flow })}\n`);
  else if (format === 'csv') writeCsv(report, out);
  else if (format === 'dot') writeDot(report, out);
  else writeMarkdown(report, locations, out);
  out.flush();
}
