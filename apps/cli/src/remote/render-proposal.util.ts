import type { PROPOSAL_FORMAT_NAMES } from '../command-options.constant';
import { formatProposal, markdownWithLink, TEXT_FLOW_LINES } from '../output/format-proposal.util';
import type { PalisadeClient } from './palisade-client';
import type { AnalysisDetailView, ProposalView } from './proposal-view.type';

export type ProposalOutput = (typeof PROPOSAL_FORMAT_NAMES)[number];

const path = (id: string): string => `/api/v1/proposals/${encodeURIComponent(id)}`;

/** A proposal, read fresh from the server. */
export function getProposal(client: PalisadeClient, id: string): Promise<ProposalView> {
  return client.request<ProposalView>('GET', path(id));
}

/**
 * A proposal as `-o` asks: `json` the API's proposal view, `md` the server's Markdown report of its
 * analysis plus a link to it, `text` a terminal summary with the changed flows.
 */
export async function renderProposal(client: PalisadeClient, view: ProposalView, output: ProposalOutput): Promise<string> {
  const url = client.proposalUrl(view.id);
  if (output === 'json') return `${JSON.stringify(view, null, 2)}\n`;
  if (output === 'md') {
    if (view.analysis === null) return markdownWithLink(`## Palisade analysis: ${view.title}\n\nNo analysis yet.`, view.id, url);
    return markdownWithLink(await client.request<string>('GET', `${path(view.id)}/analysis`, { accept: 'text/markdown' }), view.id, url);
  }
  const detail = view.analysis?.status === 'READY' ? await client.request<AnalysisDetailView>('GET', `${path(view.id)}/analysis?limit=${TEXT_FLOW_LINES}`) : undefined;
  return formatProposal(view, detail, url);
}
