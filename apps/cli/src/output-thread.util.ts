import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

import { joinLine } from './output/join-line.util';
import type { PieceLines } from './output/piece-lines.type';
import { writeAllSync } from './write-all-sync.util';

/** Control words of the shared buffer: chunks queued (by the command's thread), chunks written (by the output thread), state. */
const QUEUED = 0;
const WRITTEN = 1;
const STATE = 2;
/** States: the output thread is starting, takes chunks, failed writing (its error waits on the port), or is told to end. */
const STARTING = 0;
const READY = 1;
const FAILED = 2;
const CLOSING = 3;
/** Bytes written by the command's own thread before the output thread starts: short outputs never start one. */
const START_AFTER_BYTES = 1 << 20;
/** Slots of the queue and their size: the listings' chunks are 64 KiB, so a chunk seldom goes around the queue. */
const SLOTS = 8;
const SLOT_BYTES = 1 << 17;
/**
 * The thread is woken once this many chunks wait (or when the command waits for it): a wake-up
 * costs about as much as writing a chunk to the page cache, so waking it for each one would take
 * from the command what the thread saves it.
 */
const WAKE_AFTER = 4;
/** How often a thread with nothing to write checks whether it was told to end. */
const CLOSE_CHECK_MS = 50;
/**
 * A slot holds bytes to write (its length positive) or records of piece lines (its length the
 * negated byte count): a line is three piece numbers (each ≥ 0); a piece is the word
 * `-(byte length) - 2`, its bytes in the words after it; `RESET` forgets every piece (a new listing).
 */
const RESET = -1;
/** Pieces longer than this go to no thread: the lines that name them are joined by the command's thread. */
const MAX_PIECE_BYTES = 1 << 14;
/** Bytes the output thread joins lines into before it writes them (a slot of records joins to about 800 KB of text). */
const JOINED_BYTES = 1 << 20;
/** Control words, then each slot's length, then the slots. */
const LENGTHS_OFFSET = 16;
const DATA_OFFSET = LENGTHS_OFFSET + 4 * SLOTS;

/**
 * The output thread, as plain JavaScript: it needs no TypeScript hook, and the compiled CLI
 * (dist/cli/main.js) carries it. It writes each queued slot whole, as writeAllSync does: a short
 * write is resumed, a full non-blocking descriptor (EAGAIN) tried again every millisecond. A slot
 * of piece-line records is joined into text first (up to 1 MiB per write), and written before the
 * slot counts as written.
 */
const THREAD_SOURCE = `
const { writeSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const { buffer, fd, port } = workerData;
const control = new Int32Array(buffer, 0, 4);
const lengths = new Int32Array(buffer, ${LENGTHS_OFFSET}, ${SLOTS});
const idle = new Int32Array(new SharedArrayBuffer(4));
const pieces = [];
let joined = new Uint8Array(${JOINED_BYTES});
function writeAll(bytes, length) {
  for (let at = 0; at < length; ) {
    try {
      at += writeSync(fd, bytes, at, length - at);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(idle, 0, 0, 1);
    }
  }
}
function joinLines(start, byteLength) {
  const words = new Int32Array(buffer, start, byteLength >> 2);
  const raw = new Uint8Array(buffer, start, byteLength);
  let used = 0;
  for (let i = 0; i < words.length; ) {
    const word = words[i];
    if (word >= 0) {
      const a = pieces[word];
      const b = pieces[words[i + 1]];
      const c = pieces[words[i + 2]];
      i += 3;
      const length = a.length + b.length + c.length;
      if (used + length > joined.length) {
        writeAll(joined, used);
        used = 0;
        if (length > joined.length) joined = new Uint8Array(length);
      }
      joined.set(a, used);
      used += a.length;
      joined.set(b, used);
      used += b.length;
      joined.set(c, used);
      used += c.length;
    } else if (word === ${RESET}) {
      pieces.length = 0;
      i++;
    } else {
      const length = -word - 2;
      pieces.push(raw.slice(4 * (i + 1), 4 * (i + 1) + length));
      i += 1 + ((length + 3) >> 2);
    }
  }
  writeAll(joined, used);
}
function run() {
  if (Atomics.compareExchange(control, ${STATE}, ${STARTING}, ${READY}) !== ${STARTING}) return;
  for (let written = 0; ; written++) {
    let queued;
    while ((queued = Atomics.load(control, ${QUEUED})) === written) {
      if (Atomics.load(control, ${STATE}) === ${CLOSING}) return;
      // A timeout: a close between the check above and this wait would otherwise leave the thread asleep.
      Atomics.wait(control, ${QUEUED}, queued, ${CLOSE_CHECK_MS});
    }
    const slot = written % ${SLOTS};
    const start = ${DATA_OFFSET} + slot * ${SLOT_BYTES};
    const length = lengths[slot];
    if (length < 0) joinLines(start, -length);
    else writeAll(new Uint8Array(buffer, start, length), length);
    Atomics.store(control, ${WRITTEN}, written + 1);
    Atomics.notify(control, ${WRITTEN});
  }
}
try {
  run();
} catch (e) {
  // FAILED first, then WRITTEN changed: a command thread about to wait for WRITTEN to move wakes at once and sees FAILED.
  port.postMessage({ code: e && e.code, message: e && e.message ? e.message : String(e) });
  Atomics.store(control, ${STATE}, ${FAILED});
  Atomics.store(control, ${WRITTEN}, -1);
  Atomics.notify(control, ${WRITTEN});
}
port.close();
`;

/**
 * Writes a descriptor's output (the CLI's stdout) in order, each chunk whole before `write` asks
 * for more room, as writeAllSync does; past the first MiB, from a thread of its own. Writing to a
 * file or pipe can take as long as producing the output (7.9 GB of JSON Lines for every flow of an
 * open 100,000-pod cluster: two thirds of the run in write calls once the page cache's dirty limit
 * is reached); the second thread lets the listing go on meanwhile. The queue between them is 8
 * slots of 128 KiB: memory stays bounded, and a reader that takes nothing (`| less`) still holds
 * the command back, once the queue is full. A failed write in the thread is thrown by the next
 * `write` or by `close`, with its code (EPIPE when the reader went away).
 */
export class OutputThread {
  private readonly buffer = new SharedArrayBuffer(DATA_OFFSET + SLOTS * SLOT_BYTES);
  private readonly control = new Int32Array(this.buffer, 0, 4);
  private readonly lengths = new Int32Array(this.buffer, LENGTHS_OFFSET, SLOTS);
  private readonly data = new Uint8Array(this.buffer, DATA_OFFSET);
  /** null: the thread could not be started. */
  private worker: Worker | null | undefined;
  private port: MessagePort | undefined;
  private queued = 0;
  private writtenHere = 0;
  /** `queued` when the thread was last woken. */
  private woken = 0;
  private failure: Error | undefined;
  /** What `room` hands out. */
  private spare = new Uint8Array(0);

  constructor(
    private readonly fd: number,
    private readonly startAfterBytes = START_AFTER_BYTES,
  ) {}

  /** Whether the output thread has taken over the writing (past the first MiB, once it has started): a chunk was queued for it. */
  get threaded(): boolean {
    return this.queued > 0;
  }

  /**
   * Room for `length` bytes of output or more, to fill and hand to `write` (a prefix of it): one
   * buffer reused from call to call, so a long listing allocates no chunk after the first (one
   * writer at a time: the next call hands out the same buffer). It is
   * not a slot of the queue: filling shared memory a line at a time (`Uint8Array.set` of 20 to 60
   * bytes) is about 1.4 times as slow, where `write` copies a whole chunk into a slot at once.
   */
  room(length: number): Uint8Array {
    if (this.spare.length < length) this.spare = new Uint8Array(Math.max(length, SLOT_BYTES));
    return this.spare;
  }

  /**
   * Lines of numbered pieces written through this output, in order with what `write` writes: the
   * command's thread joins them until the output thread runs; from then on, whenever that thread
   * keeps up, it joins them itself from records of piece numbers (12 bytes a line, not the line's
   * text). `guard` runs each write and wait for room (main.ts: a reader that went away ends the
   * CLI). One listing at a time.
   */
  lines(guard: (write: () => void) => void = (write) => write()): PieceLines {
    return new PieceLineWriter(this, guard);
  }

  /** Whether the output thread takes chunks now (records of piece lines among them). */
  takesRecords(): boolean {
    return Atomics.load(this.control, STATE) === READY;
  }

  /** Slots queued that the output thread has not finished writing. */
  waitingSlots(): number {
    return this.queued - Atomics.load(this.control, WRITTEN);
  }

  /** Queues piece-line records (see RESET) for the thread, which must take chunks (`takesRecords`). */
  queueRecords(records: Uint8Array): void {
    if (Atomics.load(this.control, STATE) === FAILED) this.throwFailure();
    // A slot of records is several chunks' worth of work for the thread: woken for each one.
    this.enqueue(records, -records.length, 1);
  }

  /** Writes `bytes` (or queues a copy for the thread); the caller may reuse them once this returns. */
  write(bytes: Uint8Array): void {
    const state = Atomics.load(this.control, STATE);
    if (state === FAILED) this.throwFailure();
    if (state !== READY) {
      // Until the thread has started (and for short outputs, always), written here; nothing is queued yet, so order holds.
      writeAllSync(this.fd, bytes);
      this.writtenHere += bytes.length;
      if (this.worker === undefined && this.writtenHere >= this.startAfterBytes) this.start();
      return;
    }
    if (bytes.length > SLOT_BYTES) {
      this.drain();
      writeAllSync(this.fd, bytes);
      return;
    }
    this.enqueue(bytes, bytes.length, WAKE_AFTER);
  }

  /**
   * Copies `content` into the next slot once it is free, with `length` as the slot's length (negative:
   * records), and wakes the thread once `wakeAfter` slots wait since it was last woken.
   */
  private enqueue(content: Uint8Array, length: number, wakeAfter: number): void {
    this.waitForSlot();
    const slot = this.queued % SLOTS;
    this.data.set(content, slot * SLOT_BYTES);
    this.lengths[slot] = length;
    Atomics.store(this.control, QUEUED, ++this.queued);
    if (this.queued - this.woken >= wakeAfter) this.wake();
  }

  /**
   * Waits until every chunk queued so far is written: what goes to the process's other outputs
   * next (an error on standard error) comes after it, as it did when every write was synchronous.
   */
  flush(): void {
    if (this.queued > 0) this.drain();
  }

  /** Waits until every queued chunk is written, then lets the thread end. Throws a failed write, as `write` does. */
  close(): void {
    this.drain();
    Atomics.compareExchange(this.control, STATE, STARTING, CLOSING);
    Atomics.compareExchange(this.control, STATE, READY, CLOSING);
    Atomics.notify(this.control, QUEUED);
  }

  /** Waits until the thread has written the slot `queued` comes back to. */
  private waitForSlot(): void {
    for (let written = Atomics.load(this.control, WRITTEN); this.queued - written >= SLOTS; written = Atomics.load(this.control, WRITTEN)) {
      this.wake();
      Atomics.wait(this.control, WRITTEN, written);
      if (Atomics.load(this.control, STATE) === FAILED) this.throwFailure();
    }
  }

  private wake(): void {
    this.woken = this.queued;
    Atomics.notify(this.control, QUEUED);
  }

  private drain(): void {
    this.wake();
    for (let written = Atomics.load(this.control, WRITTEN); written < this.queued; written = Atomics.load(this.control, WRITTEN)) {
      if (Atomics.load(this.control, STATE) === FAILED) this.throwFailure();
      Atomics.wait(this.control, WRITTEN, written);
    }
    if (Atomics.load(this.control, STATE) === FAILED) this.throwFailure();
  }

  private start(): void {
    const { port1, port2 } = new MessageChannel();
    try {
      this.worker = this.startThread(port2);
    } catch {
      // No thread to be had (a process limit, a permission model without --allow-worker): this thread writes everything.
      this.worker = null;
      port1.close();
      return;
    }
    this.port = port1;
    // Unreferenced: `close` waits for what is queued, and a process that exits early (the reader went away) does not wait for the thread.
    this.worker.unref();
    this.port.unref();
  }

  /**
   * Starts the thread that writes the queue (which reports on `port`). Without the process's
   * options (`execArgv: []`): the thread is plain JavaScript, and a `--require` preload (a
   * TypeScript hook, an APM agent) would otherwise load in it too; `-r @swc-node/register` kept it
   * from writing for 0.5–0.7 s of an open cluster's listing, while the command wrote 150–250 MB itself.
   */
  protected startThread(port: MessagePort): Worker {
    return new Worker(THREAD_SOURCE, { eval: true, execArgv: [], workerData: { buffer: this.buffer, fd: this.fd, port }, transferList: [port] });
  }

  private throwFailure(): never {
    if (!this.failure) {
      const sent = (this.port && receiveMessageOnPort(this.port)?.message) as { code?: string; message?: string } | undefined;
      this.failure = Object.assign(new Error(sent?.message ?? 'the output thread failed'), { code: sent?.code });
    }
    throw this.failure;
  }
}

/** Bytes of a chunk of lines joined by the command's thread (before the output thread runs). */
const JOIN_CHUNK_BYTES = 1 << 16;

/**
 * PieceLines through an OutputThread (see `OutputThread.lines`). Who joins a line depends on who
 * has time: while the output thread has at most one slot waiting, lines go to it as records;
 * while it is behind (writing is slower than listing: a file past the page cache's dirty limit, a
 * slow pipe), this thread joins them and queues the bytes, so both threads stay busy. The choice
 * is made again at each slot.
 */
class PieceLineWriter implements PieceLines {
  private readonly pieces: Uint8Array[] = [];
  /** Pieces the output thread has been given (it numbers them as they come, from its last RESET). */
  private sent = 0;
  /** Whether lines go to the output thread as records now; otherwise they are joined here. */
  private recording = false;
  /** Whether this listing's RESET was queued (the thread may hold a former listing's pieces). */
  private reset = false;
  /** A piece too long for a record was given: every line is joined here from then on. */
  private joinedHere = false;
  private readonly records = new Int32Array(SLOT_BYTES >> 2);
  private readonly recordBytes = new Uint8Array(this.records.buffer);
  private words = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private used = 0;

  constructor(
    private readonly output: OutputThread,
    private readonly guard: (write: () => void) => void,
  ) {}

  piece(bytes: Uint8Array): number {
    if (bytes.length > MAX_PIECE_BYTES && !this.joinedHere) {
      // Lines queued so far go first; this and every later line is joined here, written behind them.
      if (this.recording) this.queue();
      this.recording = false;
      this.joinedHere = true;
    }
    return this.pieces.push(bytes) - 1;
  }

  line(a: number, b: number, c: number): void {
    if (this.recording) {
      if (this.pieces.length > this.sent) this.define();
      if (this.words + 3 > this.records.length) {
        this.queue();
        if (!this.choose()) return this.line(a, b, c);
      }
      const records = this.records;
      const at = this.words;
      records[at] = a;
      records[at + 1] = b;
      records[at + 2] = c;
      this.words = at + 3;
      return;
    }
    const pa = this.pieces[a];
    const pb = this.pieces[b];
    const pc = this.pieces[c];
    const length = pa.length + pb.length + pc.length;
    if (this.used + length > this.chunk.length) {
      this.writeChunk();
      if (this.choose()) return this.line(a, b, c);
      this.chunk = this.output.room(Math.max(JOIN_CHUNK_BYTES, length));
    }
    this.used = joinLine(this.chunk, this.used, pa, pb, pc);
  }

  end(): void {
    if (this.words > 0) this.queue();
    this.writeChunk();
  }

  /** Whether the next lines go to the output thread as records: it runs and has at most one slot waiting. */
  private choose(): boolean {
    this.recording = !this.joinedHere && this.output.takesRecords() && this.output.waitingSlots() <= 1;
    if (this.recording && !this.reset) {
      this.reset = true;
      this.records[0] = RESET;
      this.words = 1;
    }
    return this.recording;
  }

  /** Writes the lines joined here. */
  private writeChunk(): void {
    if (this.used === 0) return;
    const bytes = this.chunk.subarray(0, this.used);
    this.guard(() => this.output.write(bytes));
    this.used = 0;
  }

  /** Appends the pieces the thread has not been given yet. */
  private define(): void {
    for (; this.sent < this.pieces.length; this.sent++) {
      const bytes = this.pieces[this.sent];
      const need = 1 + ((bytes.length + 3) >> 2);
      if (this.words + need > this.records.length) this.queue();
      this.records[this.words] = -bytes.length - 2;
      this.recordBytes.set(bytes, 4 * (this.words + 1));
      this.words += need;
    }
  }

  private queue(): void {
    const records = this.recordBytes.subarray(0, 4 * this.words);
    this.guard(() => this.output.queueRecords(records));
    this.words = 0;
  }
}
