import { spawn } from 'node:child_process';

/**
 * A child that waits `delayMs` (the pipe fills meanwhile, so a writer waits for it), then reads all
 * of its stdin and prints the byte count and SHA-1; `fd` is the test's end of that pipe (non-blocking).
 */
export function slowReader(delayMs: number) {
  const script = `setTimeout(() => { const h = require('crypto').createHash('sha1'); let n = 0; process.stdin.on('data', (d) => { n += d.length; h.update(d); }); process.stdin.on('end', () => process.stdout.write(n + ' ' + h.digest('hex'))); }, ${delayMs});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  return { child, done, fd };
}
