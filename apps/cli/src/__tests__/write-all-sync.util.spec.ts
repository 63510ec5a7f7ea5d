import { createHash, randomBytes } from 'node:crypto';

import { readerGone, writeAllSync } from '../write-all-sync.util';
import { slowReader } from './slow-reader';

describe(writeAllSync.name, () => {
  it('writes everything in order to a full non-blocking pipe whose reader comes late (EAGAIN and short writes)', async () => {
    const { child, done, fd } = slowReader(300);
    // Node opens its end of the pipe non-blocking: 4 MB cannot fit, so writes stop short and then fail with EAGAIN until the reader starts.
    expect(fd).toBeGreaterThan(2);
    const bytes = randomBytes(4 << 20);
    writeAllSync(fd, bytes);
    child.stdin.end();
    expect(await done).toBe(`${bytes.length} ${createHash('sha1').update(bytes).digest('hex')}`);
  });

  it('throws what is not EAGAIN (a closed descriptor: EBADF)', () => {
    expect(() => writeAllSync(1_000_000, new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('counts EPIPE (a pipe) and ECONNRESET (a socket closed with output unread: a spawned process\'s stdio) as the reader going away, nothing else', () => {
    const failed = (code: string) => Object.assign(new Error(code), { code });
    expect(['EPIPE', 'ECONNRESET', 'EBADF', 'EIO', 'EAGAIN'].map((code) => readerGone(failed(code)))).toEqual([true, true, false, false, false]);
    expect(readerGone(new Error('no code'))).toBe(false);
  });
});
