import { runCli } from './run-cli.util';

// `palisade` (bin/palisade.cjs loads this through SWC). Exit codes: 0 ok, 1 invalid input, 2 usage.
for (const stream of [process.stdout, process.stderr]) {
  // A closed pipe (`palisade connectivity . | head`) is a normal end, not a crash.
  stream.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
}
process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
});
