import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_OK } from '../cli.exception';
import { PROPOSAL_FORMAT_NAMES } from '../command-options.constant';
import { formatOption, parseCommandArgs } from '../parse-command-args.util';
import { getProposal, renderProposal } from '../remote/render-proposal.util';
import { serverClient, singlePositional } from '../remote/server-options.util';

const COMMAND = 'proposals';

/** `palisade proposals get ID --server URL [-o text|md|json]`: one proposal with its analysis. */
export async function proposalsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand !== 'get') throw CliException.usage(subcommand === undefined ? 'missing subcommand (get)' : `unknown subcommand ${JSON.stringify(subcommand)} (get)`, COMMAND);
  const args = parseCommandArgs(COMMAND, rest);
  const client = serverClient(COMMAND, args, io);
  const output = formatOption(COMMAND, args, PROPOSAL_FORMAT_NAMES, 'text');
  const id = singlePositional(COMMAND, args, 'proposal id');
  io.stdout(await renderProposal(client, await getProposal(client, id), output));
  return EXIT_OK;
}
