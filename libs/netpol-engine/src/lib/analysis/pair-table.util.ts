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

/**
 * Collects (source, destination, port-set id) triples in any order, with repeats (a workload
 * spans several pod classes), and turns them into a PairTable where repeats are one pair with
 * the union of their ports.
 */
export class PairCollector {
  private sources: Int32Array<ArrayBuffer> = new Int32Array(4096);
  private destinations: Int32Array<ArrayBuffer> = new Int32Array(4096);
  private portIds: Int32Array<ArrayBuffer> = new Int32Array(4096);
  private count = 0;

  constructor(private readonly workloadCount: number) {}

  add(ws: number, wd: number, ports: number): void {
    const n = this.count;
    if (n === this.sources.length) this.grow();
    this.sources[n] = ws;
    this.destinations[n] = wd;
    this.portIds[n] = ports;
    this.count = n + 1;
  }

  private grow(): void {
    const size = this.sources.length * 2;
    const widen = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.sources = widen(this.sources);
    this.destinations = widen(this.destinations);
    this.portIds = widen(this.portIds);
  }

  /** The collected pairs by source row, destinations ascending, repeats merged by `ports.union`. */
  finish(ports: PortSetTable): PairTable {
    const { workloadCount, count, sources, destinations, portIds } = this;
    // Counting sort of the triples by source.
    const start = new Int32Array(workloadCount + 1);
    for (let i = 0; i < count; i++) start[sources[i] + 1]++;
    for (let w = 0; w < workloadCount; w++) start[w + 1] += start[w];
    const order = new Int32Array(count);
    const cursor = start.slice(0, workloadCount);
    for (let i = 0; i < count; i++) order[cursor[sources[i]]++] = i;
    // Per row: merge repeats through a stamp per destination, then sort the row's destinations.
    const stamp = new Int32Array(workloadCount).fill(-1);
    const slot = new Int32Array(workloadCount);
    const merged = new Int32Array(workloadCount);
    const rowStart = new Int32Array(workloadCount + 1);
    const dest = new Int32Array(count);
    const out = new Int32Array(count);
    let n = 0;
    for (let ws = 0; ws < workloadCount; ws++) {
      rowStart[ws] = n;
      let k = 0;
      for (let i = start[ws]; i < start[ws + 1]; i++) {
        const t = order[i];
        const wd = destinations[t];
        if (stamp[wd] !== ws) {
          stamp[wd] = ws;
          slot[wd] = k;
          merged[k] = portIds[t];
          dest[n + k] = wd;
          k++;
        } else {
          merged[slot[wd]] = ports.union(merged[slot[wd]], portIds[t]);
        }
      }
      const row = dest.subarray(n, n + k);
      row.sort();
      for (let j = 0; j < k; j++) out[n + j] = merged[slot[row[j]]];
      n += k;
    }
    rowStart[workloadCount] = n;
    this.sources = this.destinations = this.portIds = new Int32Array(0);
    return new PairTable(workloadCount, rowStart, n === count ? dest : dest.slice(0, n), n === count ? out : out.slice(0, n));
  }
}
