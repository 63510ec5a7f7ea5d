import type { ProposalView } from '../proposal.view';
import type { ProposalAnalysisDetailView } from './analysis.view';
import type { FlowView } from './analysis-result.type';

/** Flow lines per section of the Markdown report; the rest is counted, and the JSON route pages them all. */
export const REPORT_FLOW_LINES = 200;

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function flowSection(title: string, flows: FlowView[], total: number, sign: string): string[] {
  if (total === 0) return [];
  const lines = [`### ${title} (${total})`, '', '```diff'];
  for (const flow of flows.slice(0, REPORT_FLOW_LINES)) lines.push(`${sign} ${flow.text}${flow.widened ? '   (widened)' : ''}`);
  lines.push('```');
  if (total > Math.min(flows.length, REPORT_FLOW_LINES)) lines.push('', `…and ${total - Math.min(flows.length, REPORT_FLOW_LINES)} more (GET /api/v1/proposals/{id}/analysis pages them all).`);
  lines.push('');
  return lines;
}

/**
 * The analysis of a proposal as Markdown, ready to paste into a pull request: summary, findings,
 * opened and closed flows, and the approvals it needs with their reasons.
 *
 * @example analysisMarkdown(proposal, detail).split('\n')[0] // '## Palisade analysis: Allow myapp egress to 1.1.1.1:443'
 */
export function analysisMarkdown(proposal: ProposalView, detail: ProposalAnalysisDetailView): string {
  const lines = [`## Palisade analysis: ${proposal.title}`, ''];
  lines.push(`Proposal ${code(proposal.id)} on cluster ${code(proposal.cluster)}, revision ${proposal.revision} against version ${detail.baseVersion} — **${proposal.status}**`, '');
  if (detail.status === 'PENDING') return [...lines, 'The analysis is still running.', ''].join('\n');
  if (detail.status === 'FAILED') return [...lines, `The analysis **failed**: ${detail.error ?? 'unknown error'}. Retry it with \`POST /api/v1/proposals/${proposal.id}/analysis/retry\`.`, ''].join('\n');
  const s = detail.summary;
  const inventory = detail.inventory
    ? `snapshot ${code(detail.inventory.id)} (${detail.inventory.source.toLowerCase()}, taken ${detail.inventory.takenAt.toISOString()})`
    : 'no inventory snapshot (findings from the policies alone; no flows)';
  lines.push('| | |', '| --- | --- |');
  if (s) {
    const p = s.policies;
    lines.push(`| Policies | ${p.added.length} added, ${p.modified.length} modified, ${p.removed.length} removed |`);
    lines.push(`| Flows | ${s.connectivityChange === null ? 'not computed' : `${s.flowsOpened} opened, ${s.flowsWidened} widened, ${s.flowsClosed} closed`} |`);
    lines.push(`| Highest severity | ${s.maxSeverity} |`);
  }
  lines.push(`| Inventory | ${inventory} |`, `| Engine | ${detail.engineVersion} |`, `| Analysis | ${code((detail.hash ?? '').slice(0, 16))} |`, '');

  if (detail.findings.length > 0) {
    lines.push(`### Findings (${detail.findingsTotal})`, '', '| Severity | Code | Finding |', '| --- | --- | --- |');
    for (const f of detail.findings.slice(0, REPORT_FLOW_LINES)) lines.push(`| ${f.severity} | ${code(f.code)} | ${cell(f.message)} |`);
    if (detail.findings.length > REPORT_FLOW_LINES) lines.push('', `…and ${detail.findings.length - REPORT_FLOW_LINES} more.`);
    lines.push('');
  }
  lines.push(...flowSection('Opened', detail.flows.opened, detail.flows.totalOpened, '+'));
  lines.push(...flowSection('Closed', detail.flows.closed, detail.flows.totalClosed, '-'));

  const required = proposal.requiredApprovals;
  const approvals = proposal.approvals;
  const groups = required.groups.length > 0 ? ` including group(s) ${required.groups.map(code).join(', ')}` : '';
  lines.push('### Approvals', '');
  lines.push(approvals.approvedByRule ? 'No approval needed: the rules approve this change.' : `Needs ${required.count} approval(s)${groups}; has ${approvals.received.approvals}.`, '');
  for (const reason of required.reasons) lines.push(`- ${reason.message}`);
  if (required.reasons.length > 0) lines.push('');
  return lines.join('\n');
}

const dotId = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The changed flows as a Graphviz digraph: opened in green (widened dashed), closed in red. */
export function changedFlowsDot(detail: ProposalAnalysisDetailView): string {
  const lines = ['digraph changes {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  const label = (flow: FlowView) => flow.text.slice(flow.text.lastIndexOf(' : ') + 3);
  const ends = (flow: FlowView) => {
    const [from, rest] = flow.text.split(' => ') as [string, string];
    return [from, rest.slice(0, rest.lastIndexOf(' : '))] as const;
  };
  for (const flow of detail.flows.opened) {
    const [from, to] = ends(flow);
    lines.push(`  ${dotId(from)} -> ${dotId(to)} [label=${dotId(`+ ${label(flow)}`)}, color="darkgreen"${flow.widened ? ', style="dashed"' : ''}];`);
  }
  for (const flow of detail.flows.closed) {
    const [from, to] = ends(flow);
    lines.push(`  ${dotId(from)} -> ${dotId(to)} [label=${dotId(`- ${label(flow)}`)}, color="red"];`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
