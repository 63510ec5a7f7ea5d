import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { MessagePort, Worker } from 'node:worker_threads';

import type { PieceLines } from '../output/piece-lines.type';
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

/** Pieces as a listing has them: endpoints and port lists of 1 to 60 bytes (some of them multi-byte UTF-8), the last ones ending a line. */
function pieces(count: number, seed: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const text = `${'ns-ü'.repeat((i * seed) % 13)}/w${i}-${seed}`.slice(0, 1 + ((i * 31 + seed) % 60));
    return Buffer.from(i % 3 === 2 ? `${text}\n` : text, 'utf8');
  });
}

/**
 * Writes `count` lines of pieces through `lines`, each piece given just before its first use (as a
 * listing numbers endpoints as it meets them), calling `beforeLine` (if any) before each; returns
 * the bytes expected.
 */
function writeLines(lines: PieceLines, all: readonly Buffer[], count: number, seed: number, beforeLine?: (i: number) => void): Buffer[] {
  const ids = new Map<number, number>();
  const id = (k: number): number => {
    let n = ids.get(k);
    if (n === undefined) {
      n = lines.piece(all[k]);
      ids.set(k, n);
    }
    return n;
  };
  const expected: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    beforeLine?.(i);
    // Pieces spread over the listing: some first used only after the thread has taken over.
    const span = Math.min(Math.floor(all.length / 3), 2 + Math.floor((i * all.length) / (3 * count)));
    const [a, b, c] = [0, 1, 2].map((j) => 3 * ((i * 7919 + j * seed) % span) + j);
    lines.line(id(a), id(b), id(c));
    expected.push(all[a], all[b], all[c]);
  }
  lines.end();
  return expected;
}

/** Counts the chunks of bytes written and the slots of piece-line records queued. */
class Counting extends OutputThread {
  writes = 0;
  records = 0;
  override write(bytes: Uint8Array): void {
    this.writes++;
    super.write(bytes);
  }
  override queueRecords(records: Uint8Array): void {
    this.records++;
    super.queueRecords(records);
  }
}

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

  it('piece lines: the thread joins them once it runs, in order with plain writes, to a pipe whose reader comes late; a second listing numbers its pieces anew', async () => {
    const { child, done, fd } = slowReader(500);
    const sut = new Counting(fd, 1 << 20);
    const guarded: string[] = [];
    const guard = (write: () => void): void => {
      guarded.push('write');
      write();
    };
    const first = randomBytes(300_000);
    sut.write(first);
    // Joined here (bytes) before the thread runs, and while it waits for the reader (the first 500 ms).
    // Whether the thread keeps up later depends on how the machine schedules the three of them: so
    // from line 100,000 on, every 20,000 lines the listing waits until the thread has written all it
    // was given (the reader reads meanwhile), and the next slot then goes to it as records (a slot of
    // records holds ~10,900 lines, so no two waits share one).
    const drained: number[] = [];
    const waitForThread = (i: number): void => {
      if (i < 100_000 || i % 20_000 !== 0) return;
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (const deadline = Date.now() + 20_000; sut.waitingSlots() > 0 && Date.now() < deadline; ) Atomics.wait(pause, 0, 0, 2);
      drained.push(sut.waitingSlots());
    };
    const writesBefore = sut.writes;
    const listing = writeLines(sut.lines(guard), pieces(30_000, 7), 400_000, 7, waitForThread);
    const listingWrites = sut.writes - writesBefore;
    expect(sut.threaded).toBe(true);
    expect(drained).toEqual(new Array(15).fill(0)); // lines 100,000, 120,000, …, 380,000
    const between = randomBytes(200_000);
    sut.write(between);
    const again = writeLines(sut.lines(guard), pieces(900, 11), 50_000, 11);
    sut.close();
    child.stdin.end();
    const all = [first, ...listing, between, ...again];
    expect(await done).toBe(`${Buffer.concat(all).length} ${sha1(all)}`);
    // Every write and wait for room went through the guard (main.ts: a reader gone ends the CLI).
    expect(guarded.length).toBe(sut.records + sut.writes - 2);
    // Joined here before the thread ran and while it waited for the reader (more than 10 chunks of
    // 64 KiB: the lines before the thread starts, 1 MiB less the 300 KB written first, are 11 of
    // them); by the thread once it kept up (a slot of records after each of the 15 waits at least).
    expect(listingWrites).toBeGreaterThan(10);
    expect(sut.records).toBeGreaterThanOrEqual(15);
  });

  it('piece lines: a piece too long for a record turns the joining back to the command\'s thread, behind what is queued', () => {
    const path = join(dir, 'long-piece.txt');
    const fd = openSync(path, 'w');
    const sut = new Counting(fd, 64 << 10);
    const lines = sut.lines();
    const short = pieces(3000, 5);
    const ids = short.map((p) => lines.piece(p));
    const expected: Buffer[] = [];
    const line = (a: number, b: number, c: number, bytes: Buffer[]) => {
      lines.line(a, b, c);
      expected.push(bytes[0], bytes[1], bytes[2]);
    };
    // Until the thread has taken records (it starts within milliseconds; a file takes chunks fast).
    for (let i = 0; i < 2_000_000 && sut.records === 0; i++) line(ids[i % 3000], ids[(i * 3 + 1) % 3000], ids[2], [short[i % 3000], short[(i * 3 + 1) % 3000], short[2]]);
    for (let i = 0; i < 5000; i++) line(ids[i % 3000], ids[1], ids[2], [short[i % 3000], short[1], short[2]]);
    const long = Buffer.alloc(100_000, 'p');
    const longId = lines.piece(long);
    // Records queued so far go first (the lines before the long piece, when the thread was taking them).
    const [records, writes] = [sut.records, sut.writes];
    for (let i = 0; i < 5000; i++) line(ids[i % 3000], i % 2 ? longId : ids[4], ids[5], [short[i % 3000], i % 2 ? long : short[4], short[5]]);
    lines.end();
    // From the long piece on, every line joined here: no more records, about 250 MB in chunks of 64 KiB or more.
    expect(sut.records).toBe(records);
    expect(sut.writes - writes).toBeGreaterThan(1000);
    sut.close();
    closeSync(fd);
    expect(sha1([readFileSync(path)])).toBe(sha1(expected));
  });

  it('piece lines without a thread to be had: joined and written by the command\'s thread', () => {
    class NoThreads extends OutputThread {
      protected override startThread(port: MessagePort): Worker {
        port.close();
        throw Object.assign(new Error('Worker threads are not allowed'), { code: 'ERR_ACCESS_DENIED' });
      }
    }
    const path = join(dir, 'no-thread-lines.txt');
    const fd = openSync(path, 'w');
    const sut = new NoThreads(fd, 0);
    const expected = writeLines(sut.lines(), pieces(5000, 3), 200_000, 3);
    sut.close();
    closeSync(fd);
    expect(sut.threaded).toBe(false);
    expect(sha1([readFileSync(path)])).toBe(sha1(expected));
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

  it('piece lines: a write failing in the thread is thrown through the guard by a later line or by end, with its code', async () => {
    const { child, done, fd } = slowReader(0);
    const sut = new OutputThread(fd, 0);
    const failures: unknown[] = [];
    const lines = sut.lines((write) => {
      try {
        write();
      } catch (e) {
        failures.push(e);
        throw e;
      }
    });
    const all = pieces(300, 9);
    const ids = all.map((p) => lines.piece(p));
    for (let i = 0; i < 10_000_000 && !sut.threaded; i++) lines.line(ids[i % 300], ids[1], ids[2]);
    expect(sut.threaded).toBe(true);
    child.kill('SIGKILL');
    let failure: unknown;
    try {
      for (let i = 0; i < 50_000_000; i++) lines.line(ids[i % 300], ids[1], ids[2]);
      lines.end();
    } catch (e) {
      failure = e;
    }
    await done;
    expect(failure).toMatchObject({ code: 'EPIPE', message: expect.stringContaining('EPIPE') });
    expect(failures).toEqual([failure]);
  });
});
