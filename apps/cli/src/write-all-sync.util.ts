import { writeSync } from 'node:fs';

/** What waits out a full non-blocking descriptor: Atomics.wait on a word nobody changes sleeps the thread. */
const idle = new Int32Array(new SharedArrayBuffer(4));
/** Milliseconds between tries while the reader has not taken what the descriptor holds. */
const RETRY_MS = 1;

/**
 * Writes all of `bytes` to descriptor `fd` before it returns: a short write is resumed, and a
 * non-blocking descriptor that is full (EAGAIN: a pipe or terminal once Node has opened
 * `process.stdout`) is tried again every millisecond, the thread asleep in between. Output never
 * queues in memory, so a slow reader (`| gzip`, `| less`) holds the CLI back instead of letting
 * gigabytes pile up. Other errors (see readerGone) are thrown.
 * @example writeAllSync(1, new TextEncoder().encode('done\n'))
 */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(idle, 0, 0, RETRY_MS);
    }
  }
}

/**
 * Whether a write failed because its reader went away: EPIPE on a pipe (`| head`), ECONNRESET on a
 * socket whose reader closed with output still unread (a parent process's stdio "pipes" are socket
 * pairs: Node's `spawn(..., { stdio: 'pipe' })`).
 */
export function readerGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET';
}
