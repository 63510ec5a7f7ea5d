import { createHash } from 'node:crypto';

import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_FAILURE, EXIT_FINDINGS, EXIT_NOT_READY, EXIT_OK } from '../cli.exception';
import { loadValidManifests } from '../input/load-manifests.util';
import { PROPOSAL_FORMAT_NAMES } from '../command-options.constant';
import { type CommandArgs, formatOption, inputPaths, parseCommandArgs, requiredString } from '../parse-command-args.util';
import type { PalisadeClient } from '../remote/palisade-client';
import type { ProposalPage, ProposalView } from '../remote/proposal-view.type';
import { getProposal, renderProposal } from '../remote/render-proposal.util';
import { serverClient } from '../remote/server-options.util';
import { failOnOption, reachesSeverity } from './common-options.util';

const COMMAND = 'propose';

/** Default `--wait`, in seconds. */
export const DEFAULT_WAIT_SECONDS = 120;
/** The longest `Prefer: wait` the server honours; longer waits poll. */
const MAX_PREFER_WAIT_SECONDS = 60;
const POLL_MS = 500;
/** Statuses of a proposal that a new commit updates instead of opening another one. */
const OPEN_STATUSES = ['OPEN', 'CHANGES_REQUESTED', 'APPROVED', 'CONFLICTED'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The Idempotency-Key of a submission: `palisade-propose-` + sha256 of `cluster \n source URL \n
 * commit`, so a retried CI job (same pull request, same commit) gets the proposal its first run
 * opened. Without a source URL and a commit, the desired set's JSON stands in for them.
 *
 * @example idempotencyKey('prod', 'https://git.example/pr/7', 'abc123', '[]') // 'palisade-propose-3f…'
 */
export function idempotencyKey(cluster: string, sourceUrl: string | undefined, commit: string | undefined, policiesJson: string): string {
  const identity = sourceUrl === undefined && commit === undefined ? `${cluster}\n\n\n${sha256(policiesJson)}` : `${cluster}\n${sourceUrl ?? ''}\n${commit ?? ''}`;
  return `palisade-propose-${sha256(identity)}`;
}

function optionalString(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integerOption(args: CommandArgs, name: string, min: number, max: number, fallback: number): number {
  const value = args.values[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw CliException.usage(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`, COMMAND);
  }
  return Number(value);
}

function baseVersionOption(args: CommandArgs): number | 'head' {
  const value = args.values['base-version'];
  if (value === undefined || value === 'head') return 'head';
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) throw CliException.usage(`--base-version must be a version number or head (got ${JSON.stringify(value)})`, COMMAND);
  return Number(value);
}

interface Submission {
  cluster: string;
  title: string | undefined;
  baseVersion: number | 'head';
  sourceUrl: string | undefined;
  commit: string | undefined;
  policies: unknown[];
  deadline: number;
}

function preferWait(deadline: number): Record<string, string> {
  const seconds = Math.min(MAX_PREFER_WAIT_SECONDS, Math.floor((deadline - Date.now()) / 1000));
  return seconds > 0 ? { Prefer: `wait=${seconds}` } : {};
}

/** The open proposal of the cluster from this source URL, if there is one (newest first). */
async function findOpen(client: PalisadeClient, cluster: string, sourceUrl: string): Promise<string | undefined> {
  const query = new URLSearchParams({ sourceUrl, status: OPEN_STATUSES.join(','), limit: '1' });
  const page = await client.request<ProposalPage>('GET', `/api/v1/clusters/${encodeURIComponent(cluster)}/proposals?${query}`);
  return page.items[0]?.id;
}

/** A title that stays true across revisions: the pull request's, not one commit's. */
function defaultTitle(s: Submission): string {
  if (s.sourceUrl !== undefined) return `Network policies from ${s.sourceUrl}`;
  if (s.commit !== undefined) return `Network policies at ${s.commit.slice(0, 12)}`;
  return `Network policies for ${s.cluster}`;
}

/** Updates the open proposal of the same source URL (a new revision when the set changed), or opens one. */
async function submit(client: PalisadeClient, s: Submission): Promise<ProposalView> {
  const clusterPath = `/api/v1/clusters/${encodeURIComponent(s.cluster)}`;
  const existing = s.sourceUrl === undefined ? undefined : await findOpen(client, s.cluster, s.sourceUrl);
  if (existing !== undefined) {
    // The desired set is complete, so it is proposed against the head unless a base was named.
    const baseVersion = s.baseVersion === 'head' ? (await client.request<{ headVersion: number }>('GET', clusterPath)).headVersion : s.baseVersion;
    const body = { ...(s.title !== undefined ? { title: s.title } : {}), baseVersion, policies: s.policies };
    return client.request<ProposalView>('PATCH', `/api/v1/proposals/${encodeURIComponent(existing)}?mode=replace`, { body, headers: preferWait(s.deadline) });
  }
  const body = {
    title: s.title ?? defaultTitle(s),
    ...(s.baseVersion !== 'head' ? { baseVersion: s.baseVersion } : {}),
    policies: s.policies,
    ...(s.sourceUrl !== undefined || s.commit !== undefined ? { source: { kind: 'git', url: s.sourceUrl ?? null, commit: s.commit ?? null } } : {}),
  };
  const key = idempotencyKey(s.cluster, s.sourceUrl, s.commit, JSON.stringify(s.policies));
  return client.request<ProposalView>('POST', `${clusterPath}/proposals?mode=replace`, { body, headers: { 'Idempotency-Key': key, ...preferWait(s.deadline) } });
}

/** Polls the proposal until its analysis is READY or FAILED, or the deadline passes. */
async function untilAnalysed(client: PalisadeClient, proposal: ProposalView, deadline: number): Promise<ProposalView> {
  let current = proposal;
  while (current.analysis === null || current.analysis.status === 'PENDING') {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(POLL_MS, left));
    current = await getProposal(client, current.id);
  }
  return current;
}

/**
 * `palisade propose <dirs> --server URL --cluster NAME`: submits the complete desired set of
 * NetworkPolicies (validated locally first) as a proposal, or as a new revision of the open one
 * from the same `--source-url`; waits up to `--wait` seconds for its analysis and prints it.
 * Exit 0 READY and below `--fail-on`, 4 a finding reaches it, 5 not READY in time, 1 FAILED or an
 * error, 2 usage.
 */
export async function proposeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(COMMAND, argv);
  const client = serverClient(COMMAND, args, io);
  const cluster = requiredString(COMMAND, args, 'cluster');
  const output = formatOption(COMMAND, args, PROPOSAL_FORMAT_NAMES, 'text');
  const failOn = failOnOption(COMMAND, args);
  const waitSeconds = integerOption(args, 'wait', 0, 86_400, DEFAULT_WAIT_SECONDS);
  const baseVersion = baseVersionOption(args);
  const paths = inputPaths(COMMAND, args);

  // Everything is checked here before anything is sent; inventory objects in the input are ignored.
  const loaded = loadValidManifests(paths, io);
  if (loaded.policies.length === 0) {
    throw CliException.input(`no NetworkPolicy in ${paths.join(', ')}: an empty desired set would delete every policy of the cluster`);
  }
  const deadline = Date.now() + waitSeconds * 1000;
  const submitted = await submit(client, {
    cluster,
    title: optionalString(args, 'title'),
    baseVersion,
    sourceUrl: optionalString(args, 'source-url'),
    commit: optionalString(args, 'commit'),
    policies: loaded.policies,
    deadline,
  });
  const proposal = await untilAnalysed(client, submitted, deadline);
  io.stdout(await renderProposal(client, proposal, output));

  const analysis = proposal.analysis;
  if (analysis?.status === 'FAILED') {
    io.stderr(`palisade: the analysis of proposal ${proposal.id} failed: ${analysis.error ?? 'unknown error'}\n`);
    return EXIT_FAILURE;
  }
  if (analysis?.status !== 'READY') {
    io.stderr(`palisade: the analysis of proposal ${proposal.id} is not ready after ${waitSeconds} s (a longer --wait, or \`palisade proposals get ${proposal.id}\` later)\n`);
    return EXIT_NOT_READY;
  }
  const max = analysis.summary?.maxSeverity ?? 'none';
  if (reachesSeverity(max as Parameters<typeof reachesSeverity>[0], failOn)) {
    io.stderr(`palisade: the analysis of proposal ${proposal.id} has a ${max} finding (--fail-on ${failOn})\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
