/** A short line per finding, the most severe first, at most this many. */
const FINDINGS_SHOWN = 5;
/** Slack refuses a section text longer than 3000 characters. */
const SECTION_MAX_CHARS = 3000;

interface Finding {
  code?: string;
  severity?: string;
  message?: string;
}

const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2, info: 3 };

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The Slack-compatible message (`text` for notifications, `blocks` for the channel) for a generic
 * webhook payload: title, cluster, findings and a link to the proposal when there is one.
 * @example toSlackMessage({ event: 'proposal.merged', cluster: 'prod', proposal: { id, title: 'Open egress' } }, 'https://palisade.example')
 */
export function toSlackMessage(payload: Record<string, unknown>, publicUrl: string | null): { text: string; blocks: unknown[] } {
  const event = String(payload['event']);
  const cluster = typeof payload['cluster'] === 'string' ? payload['cluster'] : null;
  const proposal = payload['proposal'];
  const title = typeof field(proposal, 'title') === 'string' ? (field(proposal, 'title') as string) : null;
  const proposalId = field(proposal, 'id');
  const text = `[${event}]${cluster ? ` ${cluster}` : ''}${title ? `: ${title}` : ''}`;
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: text.slice(0, 150) } }];
  const facts = [
    ...(cluster ? [`*Cluster:* ${cluster}`] : []),
    ...(typeof field(proposal, 'status') === 'string' ? [`*Status:* ${String(field(proposal, 'status'))}`] : []),
    ...(typeof field(field(proposal, 'author'), 'name') === 'string' ? [`*Author:* ${String(field(field(proposal, 'author'), 'name'))}`] : []),
  ];
  if (facts.length > 0) blocks.push({ type: 'section', fields: facts.map((fact) => ({ type: 'mrkdwn', text: fact })) });
  const findings = field(field(proposal, 'analysis'), 'findings');
  if (Array.isArray(findings) && findings.length > 0) {
    const sorted = [...(findings as Finding[])].sort((a, b) => (SEVERITY_RANK[a.severity ?? ''] ?? 9) - (SEVERITY_RANK[b.severity ?? ''] ?? 9));
    const lines = sorted.slice(0, FINDINGS_SHOWN).map((f) => `• *${f.severity ?? '?'}* ${f.code ?? ''}${f.message ? `: ${f.message}` : ''}`);
    if (findings.length > FINDINGS_SHOWN) lines.push(`… and ${findings.length - FINDINGS_SHOWN} more`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Findings*\n${lines.join('\n')}`.slice(0, SECTION_MAX_CHARS) } });
  }
  if (typeof proposalId === 'string') {
    const link = publicUrl ? `${publicUrl.replace(/\/$/, '')}/api/v1/proposals/${proposalId}` : `proposal ${proposalId}`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: publicUrl ? `<${link}|Proposal ${proposalId}>` : link }] });
  }
  return { text, blocks };
}
