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

/** Triples per chunk of the collector: chunks are added as it fills, never grown and copied. */
const CHUNK = 1 << 16;

/**
 * Collects (source, destination, port-set id) triples in any order, with repeats (a workload
 * spans several pod classes), and turns them into a PairTable where repeats are one pair with
 * the union of their ports. Triples are kept in fixed-size chunks: millions of them (an open
 * cluster) cost no copying as they arrive.
 */
export class PairCollector {
  private readonly sourceChunks: Int32Array[] = [];
  private readonly destinationChunks: Int32Array[] = [];
  private readonly portChunks: Int32Array[] = [];
  private sources = new Int32Array(0);
  private destinations = new Int32Array(0);
  private portIds = new Int32Array(0);
  /** Triples in the last chunk, and its size. */
  private filled = 0;
  private capacity = 0;
  private count = 0;

  constructor(private readonly workloadCount: number) {}

  add(ws: number, wd: number, ports: number): void {
    if (this.filled === this.capacity) this.nextChunk();
    const n = this.filled;
    this.sources[n] = ws;
    this.destinations[n] = wd;
    this.portIds[n] = ports;
    this.filled = n + 1;
    this.count++;
  }

  private nextChunk(): void {
    // The first chunk small (most collections are diffs of a few pairs), then whole chunks.
    const size = this.sourceChunks.length === 0 ? 1024 : CHUNK;
    this.sources = new Int32Array(size);
    this.destinations = new Int32Array(size);
    this.portIds = new Int32Array(size);
    this.sourceChunks.push(this.sources);
    this.destinationChunks.push(this.destinations);
    this.portChunks.push(this.portIds);
    this.filled = 0;
    this.capacity = size;
  }

  /** The collected pairs by source row, destinations ascending, repeats merged by `ports.union`. */
  finish(ports: PortSetTable): PairTable {
    const { workloadCount, count } = this;
    // Counting sort of the triples by source, straight into the rows (repeats and all).
    const start = new Int32Array(workloadCount + 1);
    this.eachChunk((sources, _destinations, _ports, from, to) => {
      for (let i = from; i < to; i++) start[sources[i] + 1]++;
    });
    for (let w = 0; w < workloadCount; w++) start[w + 1] += start[w];
    const dest = new Int32Array(count);
    const out = new Int32Array(count);
    const cursor = start.slice(0, workloadCount);
    this.eachChunk((sources, destinations, portIds, from, to) => {
      for (let i = from; i < to; i++) {
        const k = cursor[sources[i]]++;
        dest[k] = destinations[i];
        out[k] = portIds[i];
      }
    });
    // Per row: merge repeats through a stamp per destination, then sort the row's destinations;
    // rows are compacted in place (a row never writes past what it has read).
    const stamp = new Int32Array(workloadCount).fill(-1);
    const slot = new Int32Array(workloadCount);
    const merged = new Int32Array(workloadCount);
    const rowStart = new Int32Array(workloadCount + 1);
    let n = 0;
    for (let ws = 0; ws < workloadCount; ws++) {
      rowStart[ws] = n;
      let k = 0;
      for (let i = start[ws]; i < start[ws + 1]; i++) {
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
      const row = dest.subarray(n, n + k);
      row.sort();
      for (let j = 0; j < k; j++) out[n + j] = merged[slot[row[j]]];
      n += k;
    }
    rowStart[workloadCount] = n;
    this.sourceChunks.length = this.destinationChunks.length = this.portChunks.length = 0;
    return new PairTable(workloadCount, rowStart, n === count ? dest : dest.slice(0, n), n === count ? out : out.slice(0, n));
  }

  /** Each chunk's filled part `[from, to)`: every chunk is full but the last. */
  private eachChunk(visit: (sources: Int32Array, destinations: Int32Array, ports: Int32Array, from: number, to: number) => void): void {
    const last = this.sourceChunks.length - 1;
    for (let c = 0; c <= last; c++) visit(this.sourceChunks[c], this.destinationChunks[c], this.portChunks[c], 0, c === last ? this.filled : this.sourceChunks[c].length);
  }
}
