import type { AnalysisDetailView, ProposalView } from '../remote/proposal-view.type';

/** Flow lines printed per direction; the rest is counted (the API pages them all). */
export const TEXT_FLOW_LINES = 500;

function flowLines(title: string, sign: string, flows: AnalysisDetailView['flows']['opened'], total: number): string[] {
  if (total === 0) return [];
  const lines = [`${title} flows (${total}):`, ...flows.map((f) => `  ${sign} ${f.text}${f.widened ? '   (widened)' : ''}`)];
  if (total > flows.length) lines.push(`  …and ${total - flows.length} more`);
  return lines;
}

/**
 * A proposal for a terminal: status, analysis summary, findings, changed flows (when `detail` is
 * given) and the approvals it needs, with why.
 *
 * @example formatProposal(view, detail, 'https://palisade.example.com/api/v1/proposals/p1').split('\n')[0]
 * // 'Proposal p1 on cluster prod, revision 1 against version 3: OPEN'
 */
export function formatProposal(p: ProposalView, detail: AnalysisDetailView | undefined, url: string): string {
  const merged = p.mergedVersion !== null ? ` (version ${p.mergedVersion})` : '';
  const lines = [`Proposal ${p.id} on cluster ${p.cluster}, revision ${p.revision} against version ${p.baseVersion}: ${p.status}${merged}`, `  ${p.title}`, `  ${url}`, ''];
  const a = p.analysis;
  if (!a || a.status === 'PENDING') lines.push('Analysis: PENDING (still running)');
  else if (a.status === 'FAILED') lines.push(`Analysis: FAILED: ${a.error ?? 'unknown error'}`);
  else {
    const s = a.summary;
    lines.push(`Analysis: ${a.status}`);
    if (s) {
      const flows = s.connectivityChange === null ? 'not computed (no inventory)' : `${s.flowsOpened} opened, ${s.flowsWidened} widened, ${s.flowsClosed} closed`;
      lines.push(`  policies: ${s.policies.added.length} added, ${s.policies.modified.length} modified, ${s.policies.removed.length} removed`);
      lines.push(`  flows: ${flows}`, `  highest severity: ${s.maxSeverity}`);
    }
    if (a.findings.length > 0) {
      lines.push('', `Findings (${a.findingsTotal}):`, ...a.findings.map((f) => `  [${f.severity}] ${f.code}: ${f.message}`));
      if (a.findingsTotal > a.findings.length) lines.push(`  …and ${a.findingsTotal - a.findings.length} more`);
    }
    if (detail) {
      const opened = flowLines('Opened', '+', detail.flows.opened, detail.flows.totalOpened);
      const closed = flowLines('Closed', '-', detail.flows.closed, detail.flows.totalClosed);
      if (opened.length > 0) lines.push('', ...opened);
      if (closed.length > 0) lines.push('', ...closed);
    }
  }
  const required = p.requiredApprovals;
  const groups = required.groups.length > 0 ? ` including group(s) ${required.groups.join(', ')}` : '';
  lines.push('', p.approvals.approvedByRule ? 'Approvals: none needed, the rules approve this change' : `Approvals: needs ${required.count}${groups}; has ${p.approvals.received.approvals}`);
  lines.push(...required.reasons.map((r) => `  - ${r.message}`));
  return `${lines.join('\n')}\n`;
}

/** The server's Markdown report, then a link to the proposal: what a CI job posts on the pull request. */
export function markdownWithLink(report: string, id: string, url: string): string {
  return `${report.trimEnd()}\n\n[Proposal \`${id}\` in Palisade](${url})\n`;
}
