import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_OK } from '../cli.exception';
import { REVIEW_FORMAT_NAMES } from '../command-options.constant';
import { formatOption, parseCommandArgs } from '../parse-command-args.util';
import type { ProposalView } from '../remote/proposal-view.type';
import { renderProposal } from '../remote/render-proposal.util';
import { serverClient, singlePositional } from '../remote/server-options.util';

const COMMAND = 'review';

/**
 * `palisade review ID --approve|--request-changes|--comment TEXT --server URL`: a review as the
 * token's principal. `--comment` alone is a COMMENT; with a verdict it is that verdict's comment.
 */
export async function reviewCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(COMMAND, argv);
  const approve = args.values['approve'] === true;
  const requestChanges = args.values['request-changes'] === true;
  const comment = typeof args.values['comment'] === 'string' && args.values['comment'] !== '' ? args.values['comment'] : undefined;
  if (approve && requestChanges) throw CliException.usage('give --approve or --request-changes, not both', COMMAND);
  if (!approve && !requestChanges && comment === undefined) throw CliException.usage('give --approve, --request-changes or --comment TEXT', COMMAND);
  const client = serverClient(COMMAND, args, io);
  const output = formatOption(COMMAND, args, REVIEW_FORMAT_NAMES, 'text');
  const id = singlePositional(COMMAND, args, 'proposal id');
  const verdict = approve ? 'APPROVE' : requestChanges ? 'REQUEST_CHANGES' : 'COMMENT';
  const proposal = await client.request<ProposalView>('POST', `/api/v1/proposals/${encodeURIComponent(id)}/reviews`, {
    body: { verdict, ...(comment !== undefined ? { comment } : {}) },
  });
  io.stdout(await renderProposal(client, proposal, output));
  return EXIT_OK;
}
