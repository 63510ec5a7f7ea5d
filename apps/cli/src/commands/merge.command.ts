import type { CliIo } from '../cli-io.type';
import { EXIT_OK } from '../cli.exception';
import { REVIEW_FORMAT_NAMES } from '../command-options.constant';
import { formatOption, parseCommandArgs } from '../parse-command-args.util';
import type { ProposalView } from '../remote/proposal-view.type';
import { serverClient, singlePositional } from '../remote/server-options.util';

const COMMAND = 'merge';

/** `palisade merge ID --server URL [-o text|json]`: merges an approved proposal into a new version. */
export async function mergeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(COMMAND, argv);
  const client = serverClient(COMMAND, args, io);
  const output = formatOption(COMMAND, args, REVIEW_FORMAT_NAMES, 'text');
  const id = singlePositional(COMMAND, args, 'proposal id');
  const proposal = await client.request<ProposalView>('POST', `/api/v1/proposals/${encodeURIComponent(id)}/merge`);
  io.stdout(output === 'json' ? `${JSON.stringify(proposal, null, 2)}\n` : `Proposal ${proposal.id} ${proposal.status} into cluster ${proposal.cluster} as version ${proposal.mergedVersion ?? '?'}\n`);
  return EXIT_OK;
}
