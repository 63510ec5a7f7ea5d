import { readFileSync } from 'node:fs';

import { runCli } from './run-cli.util';

// `palisade` (bin/palisade.cjs loads this through SWC). Exit codes: 0 ok, 1 invalid input, 2 usage; explain 3 (denied);
// propose also 4 (a finding reaches --fail-on) and 5 (the analysis is not ready in time).
for (const stream of [process.stdout, process.stderr]) {
  // A closed pipe (`palisade connectivity . | head`) is a normal end, not a crash.
  stream.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
}
let stdinText: string | undefined;
void Promise.resolve(
  runCli(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stdoutBytes: (bytes) => void process.stdout.write(bytes),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    // Read once, when a command is given `-` (diff may name it for both sides).
    stdin: () => (stdinText ??= readFileSync(0, 'utf8')),
    // The CLI's one read of the environment: PALISADE_TOKEN and PALISADE_RETRY_DELAYS_MS for the server commands.
    env: process.env,
  }),
).then((code) => {
  process.exitCode = code;
});
