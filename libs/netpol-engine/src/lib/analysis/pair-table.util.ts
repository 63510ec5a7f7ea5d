import type { PortSetTable } from './port-set.util';

/**
 * Workload pairs with the port-set id allowed between them, one row per source workload
 * (compressed rows): row `ws` is `dest[rowStart[ws] .. rowStart[ws + 1] - 1]`, destinations
 * ascending, with `ports` beside them. Three typed arrays whatever the pair count: a Map of
 * millions of entries spent most of an open cluster's listing time growing and being collected.
 */
export class PairTable {
  constructor(
    readonly workloadCount: number,
    readonly rowStart: Int32Array,
    readonly dest: Int32Array,
    readonly ports: Int32Array,
  ) {}

  get size(): number {
    return this.rowStart[this.workloadCount];
  }

  /** The port-set id from `ws` to `wd`, or undefined when the pair is not listed. */
  get(ws: number, wd: number): number | undefined {
    let lo = this.rowStart[ws];
    let hi = this.rowStart[ws + 1];
    const dest = this.dest;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dest[mid] < wd) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.rowStart[ws + 1] && dest[lo] === wd ? this.ports[lo] : undefined;
  }
}

/** Pairs in a block's first chunk (a pair takes two ints: key and port-set id): most collections are diffs of a few pairs. */
const FIRST_CHUNK_PAIRS = 64;
/** A block's chunks double from its first up to this many pairs: a block of a few pairs wastes little, whatever the workload count. */
const CHUNK_PAIRS = 4096;
/** At most this many source workloads share a block. */
const MAX_BLOCK_BITS = 8;
const NO_CHUNK = new Int32Array(0);

/**
 * Collects (source, destination, port-set id) triples in any order, with repeats (a workload
 * spans several pod classes), and turns them into a PairTable where repeats are one pair with
 * the union of their ports.
 *
 * Triples are kept by block of consecutive sources (up to 256), in chunks per block (doubling up
 * to 4096 pairs): millions of them (an open cluster) cost no copying as they arrive, and `finish` sorts one block
 * at a time into a region of the table a cache holds, instead of scattering every triple over
 * every row of the table. A triple is stored as two ints: the source's place in its block beside
 * the destination id in one key, and the port-set id.
 */
export class PairCollector {
  /** Bits of a destination id (workload ids are below 2^destBits), and of a source's place in its block. */
  private readonly destBits: number;
  private readonly blockBits: number;
  /** Per block: its chunks, the last one being filled (`current[b]`, `filled[b]` ints of it used). */
  private readonly chunks: Int32Array[][];
  private readonly current: Int32Array[];
  private readonly filled: Int32Array;
  private count = 0;

  constructor(private readonly workloadCount: number) {
    this.destBits = Math.max(1, 32 - Math.clz32(Math.max(0, workloadCount - 1)));
    this.blockBits = Math.min(MAX_BLOCK_BITS, 32 - this.destBits);
    const blocks = (workloadCount >>> this.blockBits) + 1;
    this.chunks = Array.from({ length: blocks }, () => []);
    this.current = new Array<Int32Array>(blocks).fill(NO_CHUNK);
    this.filled = new Int32Array(blocks);
  }

  add(ws: number, wd: number, ports: number): void {
    const b = ws >>> this.blockBits;
    let chunk = this.current[b];
    let at = this.filled[b];
    if (at === chunk.length) {
      chunk = this.nextChunk(b);
      at = 0;
    }
    chunk[at] = ((ws & ((1 << this.blockBits) - 1)) << this.destBits) | wd;
    chunk[at + 1] = ports;
    this.filled[b] = at + 2;
    this.count++;
  }

  private nextChunk(b: number): Int32Array {
    const previous = this.current[b].length;
    const chunk = new Int32Array(previous === 0 ? 2 * FIRST_CHUNK_PAIRS : Math.min(2 * previous, 2 * CHUNK_PAIRS));
    this.chunks[b].push(chunk);
    this.current[b] = chunk;
    return chunk;
  }

  /** The collected pairs by source row, destinations ascending, repeats merged by `ports.union`. */
  finish(ports: PortSetTable): PairTable {
    const { workloadCount, count, destBits, blockBits } = this;
    const destMask = -1 >>> (32 - destBits);
    const blockRows = 1 << blockBits;
    const dest = new Int32Array(count);
    const out = new Int32Array(count);
    const rowStart = new Int32Array(workloadCount + 1);
    const rowCursor = new Int32Array(blockRows + 1);
    // For blocks ordered by destination first (see below): a count per destination, and the block's triples in that order.
    let destCursor: Int32Array | undefined;
    let byDest = new Int32Array(0);
    // For the other blocks: per row, repeats merged through a stamp per destination, then the row sorted.
    let stamp: Int32Array | undefined;
    let slot = new Int32Array(0);
    let merged = new Int32Array(0);
    let n = 0;
    /**
     * A counting sort by row of a block's triples (`parts`, every one full but the last, of which
     * `lastUsed` ints are used; `rowCursor[r + 1]` counted row r's) into the table from `n` on,
     * stable: `rowStart` of the block's rows is where each row starts there, repeats and all. Rows
     * are then compacted as they are merged, so the next block's region starts at the new `n`,
     * never past what the rows before it read.
     */
    const scatterByRow = (parts: readonly Int32Array[], lastUsed: number, firstRow: number, rows: number): void => {
      const last = parts.length - 1;
      for (let r = 0; r < blockRows; r++) rowCursor[r + 1] += rowCursor[r];
      for (let r = 0; r <= rows; r++) rowStart[firstRow + r] = n + rowCursor[r];
      for (let c = 0; c <= last; c++) {
        const part = parts[c];
        const used = c === last ? lastUsed : part.length;
        for (let i = 0; i < used; i += 2) {
          const k = n + rowCursor[part[i] >>> destBits]++;
          dest[k] = part[i] & destMask;
          out[k] = part[i + 1];
        }
      }
    };
    for (let b = 0; b < this.chunks.length; b++) {
      const firstRow = b * blockRows;
      const rows = Math.min(blockRows, workloadCount - firstRow);
      if (rows <= 0) break;
      const chunks = this.chunks[b];
      const last = chunks.length - 1;
      const lastUsed = this.filled[b];
      let size = 0;
      for (let c = 0; c <= last; c++) size += (c === last ? lastUsed : chunks[c].length) >>> 1;
      if (size * 8 >= workloadCount) {
        // Many triples for the table's width: a stable counting sort by destination (into
        // `byDest`), then by row, leaves each row's destinations ascending with repeats side by
        // side; no row is sorted.
        destCursor ??= new Int32Array(workloadCount + 1);
        if (byDest.length < 2 * size) byDest = new Int32Array(2 * size);
        destCursor.fill(0);
        rowCursor.fill(0);
        for (let c = 0; c <= last; c++) {
          const chunk = chunks[c];
          const used = c === last ? lastUsed : chunk.length;
          for (let i = 0; i < used; i += 2) {
            destCursor[(chunk[i] & destMask) + 1]++;
            rowCursor[(chunk[i] >>> destBits) + 1]++;
          }
        }
        for (let w = 0; w < workloadCount; w++) destCursor[w + 1] += destCursor[w];
        for (let c = 0; c <= last; c++) {
          const chunk = chunks[c];
          const used = c === last ? lastUsed : chunk.length;
          for (let i = 0; i < used; i += 2) {
            const k = 2 * destCursor[chunk[i] & destMask]++;
            byDest[k] = chunk[i];
            byDest[k + 1] = chunk[i + 1];
          }
        }
        scatterByRow([byDest], 2 * size, firstRow, rows);
        for (let r = 0; r < rows; r++) {
          const from = rowStart[firstRow + r];
          const to = rowStart[firstRow + r + 1];
          rowStart[firstRow + r] = n;
          for (let i = from; i < to; i++) {
            if (n > rowStart[firstRow + r] && dest[n - 1] === dest[i]) out[n - 1] = ports.union(out[n - 1], out[i]);
            else {
              dest[n] = dest[i];
              out[n++] = out[i];
            }
          }
        }
      } else {
        if (!stamp) {
          stamp = new Int32Array(workloadCount).fill(-1);
          slot = new Int32Array(workloadCount);
          merged = new Int32Array(workloadCount);
        }
        rowCursor.fill(0);
        for (let c = 0; c <= last; c++) {
          const chunk = chunks[c];
          const used = c === last ? lastUsed : chunk.length;
          for (let i = 0; i < used; i += 2) rowCursor[(chunk[i] >>> destBits) + 1]++;
        }
        scatterByRow(chunks, lastUsed, firstRow, rows);
        for (let r = 0; r < rows; r++) {
          const ws = firstRow + r;
          const from = rowStart[ws];
          const to = rowStart[ws + 1];
          rowStart[ws] = n;
          let k = 0;
          for (let i = from; i < to; i++) {
            const wd = dest[i];
            if (stamp[wd] !== ws) {
              stamp[wd] = ws;
              slot[wd] = k;
              merged[k] = out[i];
              dest[n + k] = wd;
              k++;
            } else {
              merged[slot[wd]] = ports.union(merged[slot[wd]], out[i]);
            }
          }
          // Most rows hold a few destinations: sorted in place, without a subarray object per row.
          if (k > 32) dest.subarray(n, n + k).sort();
          else {
            for (let j = n + 1; j < n + k; j++) {
              const wd = dest[j];
              let at = j;
              for (; at > n && dest[at - 1] > wd; at--) dest[at] = dest[at - 1];
              dest[at] = wd;
            }
          }
          for (let j = n; j < n + k; j++) out[j] = merged[slot[dest[j]]];
          n += k;
        }
      }
      this.chunks[b] = [];
    }
    rowStart[workloadCount] = n;
    this.current.fill(NO_CHUNK);
    this.filled.fill(0);
    this.count = 0;
    return new PairTable(workloadCount, rowStart, n === count ? dest : dest.slice(0, n), n === count ? out : out.slice(0, n));
  }
}
