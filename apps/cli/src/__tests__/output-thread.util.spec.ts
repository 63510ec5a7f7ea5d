import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { MessagePort, Worker } from 'node:worker_threads';

import { OutputThread } from '../output-thread.util';
import { slowReader } from './slow-reader';
import { REPO_ROOT } from './test-io';

/** Chunks of 1 byte to 300 KiB (past a slot), random bytes, as a listing and a long line would write them. */
function chunks(total: number): Buffer[] {
  const out: Buffer[] = [];
  for (let size = 0, i = 0; size < total; i++) {
    const length = i % 17 === 16 ? 300_000 : 1 + ((i * 7919) % 70_000);
    out.push(randomBytes(length));
    size += length;
  }
  return out;
}

const sha1 = (parts: readonly Buffer[]) => createHash('sha1').update(Buffer.concat(parts)).digest('hex');

describe(OutputThread.name, { timeout: 60_000 }, () => {
  let dir = '';
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'palisade-output-thread-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('past its threshold, a thread writes every chunk in order, also chunks longer than a slot, to a pipe whose reader comes late', async () => {
    const { child, done, fd } = slowReader(1000);
    const parts = chunks(24 << 20);
    const sut = new OutputThread(fd, 1 << 20);
    // The caller may reuse a chunk once write returns: scribbling over it afterwards changes nothing written.
    for (const part of parts) {
      const reused = Buffer.from(part);
      sut.write(reused);
      reused.fill(0);
    }
    sut.close();
    expect(sut.threaded).toBe(true);
    child.stdin.end();
    expect(await done).toBe(`${Buffer.concat(parts).length} ${sha1(parts)}`);
  });

  it('hands out one buffer as room to fill, reused from call to call, and writes what is handed back through the thread', async () => {
    const { child, done, fd } = slowReader(1000);
    const sut = new OutputThread(fd, 1 << 20);
    const parts = chunks(30 << 20).filter((part) => part.length <= 100_000);
    const rooms = new Set<Uint8Array>();
    for (const part of parts) {
      const room = sut.room(part.length);
      expect(room.length).toBeGreaterThanOrEqual(part.length);
      rooms.add(room);
      room.set(part);
      sut.write(room.subarray(0, part.length));
    }
    sut.close();
    child.stdin.end();
    expect(await done).toBe(`${Buffer.concat(parts).length} ${sha1(parts)}`);
    expect(sut.threaded).toBe(true);
    expect(rooms.size).toBe(1);
    expect([...rooms][0].length).toBe(128 << 10);
  });

  it('flush returns once every queued chunk is in the file; close lets the thread end', () => {
    const path = join(dir, 'flushed.txt');
    const fd = openSync(path, 'w');
    const sut = new OutputThread(fd, 64 << 10);
    // Written until the thread has taken 20 chunks (it starts within a few milliseconds; a file takes chunks fast).
    const parts: Buffer[] = [];
    let queued = 0;
    for (let i = 0; i < 20_000; i++) {
      const part = randomBytes(65_536);
      parts.push(part);
      sut.write(part);
      if (sut.threaded && ++queued >= 20) break;
    }
    sut.flush();
    expect(queued).toBe(20);
    expect(sha1([readFileSync(path)])).toBe(sha1(parts));
    sut.close();
    closeSync(fd);
  });

  it('without a thread to be had (starting one throws), writes everything itself', () => {
    class NoThreads extends OutputThread {
      starts = 0;
      protected override startThread(port: MessagePort): Worker {
        this.starts++;
        port.close();
        throw Object.assign(new Error('Worker threads are not allowed'), { code: 'ERR_ACCESS_DENIED' });
      }
    }
    const path = join(dir, 'no-thread.txt');
    const fd = openSync(path, 'w');
    const sut = new NoThreads(fd, 0);
    const parts = chunks(4 << 20);
    for (const part of parts) sut.write(part);
    sut.close();
    closeSync(fd);
    expect([sut.starts, sut.threaded]).toEqual([1, false]);
    expect(sha1([readFileSync(path)])).toBe(sha1(parts));
  });

  it("the thread loads none of the process's --require preloads (a TypeScript hook, an agent): it starts as plain JavaScript", () => {
    const marker = join(dir, 'preloaded.txt');
    const preload = join(dir, 'preload.cjs');
    writeFileSync(preload, `require('node:fs').appendFileSync(${JSON.stringify(marker)}, require('node:worker_threads').isMainThread ? 'main\\n' : 'thread\\n');\n`);
    // Chunks of 64 KiB, 5 ms apart, until the thread (started past the first one) has taken over, for at most 10 s.
    const script = `
      const { OutputThread } = require(${JSON.stringify(join(REPO_ROOT, 'apps/cli/src/output-thread.util.ts'))});
      const sut = new OutputThread(1, 1 << 16);
      const pause = new Int32Array(new SharedArrayBuffer(4));
      let chunks = 0;
      for (; chunks < 2000 && !sut.threaded; chunks++) {
        sut.write(Buffer.alloc(1 << 16, 97));
        Atomics.wait(pause, 0, 0, 5);
      }
      sut.close();
      process.stderr.write(sut.threaded + ' ' + chunks);`;
    const child = spawnSync(process.execPath, ['-r', preload, '-r', '@swc-node/register', '-e', script], { cwd: REPO_ROOT, maxBuffer: 256 << 20 });
    const [threaded, chunks] = child.stderr.toString().split(' ');
    expect([child.status, threaded, child.stdout.length]).toEqual([0, 'true', Number(chunks) << 16]);
    expect(readFileSync(marker, 'utf8')).toBe('main\n');
  });

  it('writes a short output itself: no thread starts below the threshold', () => {
    const path = join(dir, 'short.txt');
    const fd = openSync(path, 'w');
    const sut = new OutputThread(fd, 1 << 20);
    const parts = chunks(200_000);
    for (const part of parts) sut.write(part);
    sut.close();
    closeSync(fd);
    expect(sut.threaded).toBe(false);
    expect(sha1([readFileSync(path)])).toBe(sha1(parts));
  });

  it('a write failing in the thread (the reader went away: EPIPE) is thrown by a later write or by close, with its code', async () => {
    const { child, done, fd } = slowReader(0);
    const sut = new OutputThread(fd, 0);
    const chunk = randomBytes(64 << 10);
    // Written until the thread has taken a chunk (the reader takes everything meanwhile), then the reader goes away.
    for (let i = 0; i < 100_000 && !sut.threaded; i++) sut.write(chunk);
    expect(sut.threaded).toBe(true);
    child.kill('SIGKILL');
    let failure: unknown;
    try {
      for (let i = 0; i < 100_000; i++) sut.write(chunk);
      sut.close();
    } catch (e) {
      failure = e;
    }
    await done;
    expect(failure).toMatchObject({ code: 'EPIPE', message: expect.stringContaining('EPIPE') });
    // Failed once, it stays failed: the same error again, nothing more written.
    expect(() => sut.write(chunk)).toThrow(failure as Error);
  });
});
