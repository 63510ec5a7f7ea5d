import { readFileSync } from 'node:fs';

import { OutputThread } from './output-thread.util';
import { runCli } from './run-cli.util';
import { readerGone, writeAllSync } from './write-all-sync.util';

// `palisade` (bin/palisade.cjs loads this through SWC). Exit codes: 0 ok, 1 invalid input, 2 usage; explain 3 (denied);
// propose also 4 (a finding reaches --fail-on) and 5 (the analysis is not ready in time).
// A closed pipe (`palisade connectivity . | head`) is a normal end, not a crash.
process.stderr.on('error', (e: NodeJS.ErrnoException) => process.exit(readerGone(e) ? 0 : 1));

/**
 * Standard output is written in order with bounded memory (see OutputThread: each chunk whole,
 * from a second thread past the first MiB): through `process.stdout`, a pipe would queue every
 * chunk its reader has not taken yet, and memory would grow with the output.
 */
const stdout = new OutputThread(1);

/** Runs a write to standard output; a reader that went away ends the CLI with 0, another failure with 1. */
function writingStdout<T>(write: () => T): T {
  try {
    return write();
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (readerGone(error)) process.exit(0);
    try {
      writeAllSync(2, Buffer.from(`palisade: cannot write to standard output: ${error.message}\n`));
    } finally {
      process.exit(1);
    }
  }
}

let stdinText: string | undefined;
void Promise.resolve(
  runCli(process.argv.slice(2), {
    stdout: (text) => writingStdout(() => stdout.write(Buffer.from(text, 'utf8'))),
    stdoutBytes: (bytes) => writingStdout(() => stdout.write(bytes)),
    stdoutRoom: (length) => stdout.room(length),
    stdoutLines: () => stdout.lines(writingStdout),
    // After what standard output has queued: `2>&1` keeps the order in which the command wrote.
    stderr: (text) => {
      writingStdout(() => stdout.flush());
      process.stderr.write(text);
    },
    cwd: process.cwd(),
    // Read once, when a command is given `-` (diff may name it for both sides).
    stdin: () => (stdinText ??= readFileSync(0, 'utf8')),
    // The CLI's one read of the environment: PALISADE_TOKEN and PALISADE_RETRY_DELAYS_MS for the server commands.
    env: process.env,
  }),
).then((code) => {
  writingStdout(() => stdout.close());
  process.exitCode = code;
});
