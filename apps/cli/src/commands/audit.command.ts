import { createReadStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

import type { AuditExportVerification } from '@palisade/audit';

import type { CliIo } from '../cli-io.type';
import { CliException, EXIT_FAILURE, EXIT_OK } from '../cli.exception';
import { AUDIT_FORMAT_NAMES } from '../command-options.constant';
import { formatOption, parseCommandArgs, requiredString } from '../parse-command-args.util';

const COMMAND = 'audit';

function describe(result: AuditExportVerification): string {
  if (result.scope !== null) {
    return (
      `audit export of ${result.scope.join(', ')} verified: ${result.eventsChecked} event(s), each matching its hash. ` +
      "A scoped export holds no checkpoints and not the other clusters' events its chain links through: verify an export of every cluster for those."
    );
  }
  const unanchored = result.headSeq !== null && result.anchoredSeq !== null ? result.headSeq - result.anchoredSeq : result.headSeq;
  const anchor =
    result.anchoredSeq === null
      ? 'no signed checkpoint, so nothing anchors the chain: a rewritten and re-hashed history would pass'
      : `the newest checkpoint signs event ${result.anchoredSeq}${unanchored ? `; the ${unanchored} later event(s) are not anchored yet` : ''}`;
  return `audit export verified: ${result.eventsChecked} event(s) linked from the first to the head, ${result.checkpointsChecked} signed checkpoint(s) match; ${anchor}`;
}

/**
 * `palisade audit verify <file> --public-key FILE`: checks an export of GET /api/v1/audit/export
 * offline. Exit 0 when every link and signed checkpoint holds, 1 at the first that does not (or an
 * unreadable file or key), 2 on a usage error.
 */
export async function auditCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(COMMAND, argv);
  const [action, file, ...extra] = args.positionals;
  if (action !== 'verify') throw CliException.usage(action === undefined ? 'missing subcommand: audit verify <file>' : `unknown subcommand ${JSON.stringify(action)}: audit verify <file>`, COMMAND);
  if (file === undefined || extra.length > 0) throw CliException.usage('audit verify takes one export file', COMMAND);
  const keyFile = requiredString(COMMAND, args, 'public-key');
  const output = formatOption(COMMAND, args, AUDIT_FORMAT_NAMES, 'text');

  // Loaded here, not at the top: the audit library brings the server's modules, which no other command needs.
  const { AuditKeyError, parseAuditPublicKey, verifyAuditExport } = await import('@palisade/audit');
  let keyText: string;
  try {
    keyText = readFileSync(resolve(io.cwd, keyFile), 'utf8');
  } catch (e) {
    throw CliException.input(`cannot read the public key ${keyFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let publicKey;
  try {
    publicKey = parseAuditPublicKey(keyText);
  } catch (e) {
    throw CliException.input(`${keyFile} is ${e instanceof AuditKeyError ? e.message : 'no public key'}`);
  }
  const stream = createReadStream(resolve(io.cwd, file), { encoding: 'utf8' });
  const opened = new Promise<void>((ok, fail) => stream.once('open', () => ok()).once('error', fail));
  try {
    await opened;
  } catch (e) {
    throw CliException.input(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const result = await verifyAuditExport(lines, publicKey).finally(() => stream.destroy());

  if (output === 'json') {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return result.ok ? EXIT_OK : EXIT_FAILURE;
  }
  if (result.problem) {
    const where = result.problem.seq !== null ? `, event ${result.problem.seq}` : '';
    io.stderr(`palisade: the audit export does not verify: ${result.problem.reason} at line ${result.problem.line}${where}: ${result.problem.message}\n`);
    return EXIT_FAILURE;
  }
  io.stdout(`${describe(result)}\n`);
  return EXIT_OK;
}
