import { PairCollector } from '../pair-table.util';
import { PortSetTable } from '../port-set.util';

/** A tiny deterministic generator (xorshift32). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Adds `triples` to a new collector of `workloads` and checks its table against a map of the expected pairs (repeats merged by union). */
function collectAndCheck(workloads: number, triples: readonly [number, number, number][], ports: PortSetTable, collector = new PairCollector(workloads)): void {
  const expected = new Map<string, number>();
  for (const [ws, wd, p] of triples) {
    collector.add(ws, wd, p);
    const key = `${ws} ${wd}`;
    const known = expected.get(key);
    expected.set(key, known === undefined ? p : ports.union(known, p));
  }
  const table = collector.finish(ports);
  expect(table.size).toBe(expected.size);
  expect(table.rowStart.length).toBe(workloads + 1);
  const seen = new Map<string, number>();
  for (let ws = 0; ws < workloads; ws++) {
    for (let i = table.rowStart[ws]; i < table.rowStart[ws + 1]; i++) {
      if (i > table.rowStart[ws]) expect(table.dest[i]).toBeGreaterThan(table.dest[i - 1]);
      seen.set(`${ws} ${table.dest[i]}`, table.ports[i]);
    }
  }
  expect(seen).toEqual(expected);
  for (const [key, p] of expected) {
    const [ws, wd] = key.split(' ').map(Number);
    expect(table.get(ws, wd)).toBe(p);
  }
}

describe('PairCollector', () => {
  it('merges repeats that are not side by side in sparse blocks (each row sorted) and in a dense one (sorted by destination) of one table', () => {
    const ports = new PortSetTable();
    const sets = [ports.intern([80, 80]), ports.intern([443, 443]), ports.intern([53, 53, 65589, 65589]), ports.intern([8080, 8090])];
    const workloads = 4096;
    const next = random(7);
    const triples: [number, number, number][] = [];
    // Sixteen blocks of 256 rows: a few rows each, every row with a repeat two triples apart.
    for (let block = 0; block < 16; block++) {
      for (let k = 0; k < 5; k++) {
        const ws = block * 256 + Math.floor(next() * 256);
        const [a, b] = [Math.floor(next() * workloads), Math.floor(next() * workloads)];
        triples.push([ws, a, sets[k % 4]], [ws, b, sets[(k + 1) % 4]], [ws, a, sets[(k + 2) % 4]]);
      }
    }
    // In sparse blocks too: a row of 40 destinations out of order (longer than an insertion sort takes), and one in order.
    for (let i = 0; i < 40; i++) triples.push([5 * 256 + 7, Math.floor(next() * workloads), sets[i % 4]]);
    for (let i = 0; i < 30; i++) triples.push([6 * 256 + 9, 100 + 3 * i, sets[i % 4]]);
    // Block 3 dense: 8 triples per workload of the table at least.
    for (let i = 0; i < 600; i++) triples.push([768 + Math.floor(next() * 256), Math.floor(next() * 64), sets[Math.floor(next() * 4)]]);
    collectAndCheck(workloads, triples, ports);
  });

  it('handles no workloads, a last block with one row, and a collector used again after finishing', () => {
    const ports = new PortSetTable();
    const http = ports.intern([80, 80]);
    const dns = ports.intern([53, 53]);
    collectAndCheck(0, [], ports);
    collectAndCheck(512, [[511, 0, http], [511, 511, dns], [255, 256, http], [256, 255, dns]], ports);
    collectAndCheck(513, [[512, 512, http], [0, 512, dns], [512, 0, dns], [512, 0, http]], ports);
    const reused = new PairCollector(300);
    collectAndCheck(300, [[1, 2, http], [1, 2, dns], [299, 0, http]], ports, reused);
    collectAndCheck(300, [[5, 6, dns], [299, 1, dns]], ports, reused);
  });

  it.each([
    ['none', 0],
    ['fewer than its first chunk', 700],
    ['exactly its first chunk', 1024],
    ['several chunks', 200_000],
  ])('turns triples into rows with repeats merged (%s)', (_name, total) => {
    const ports = new PortSetTable();
    const sets = [ports.intern([80, 80]), ports.intern([443, 443]), ports.intern([53, 53, 65589, 65589]), PortSetTable.ALL];
    const workloads = 300;
    const next = random(total + 1);
    const triples: [number, number, number][] = [];
    for (let i = 0; i < total; i++) triples.push([Math.floor(next() * workloads), Math.floor(next() * workloads), sets[Math.floor(next() * sets.length)]]);
    collectAndCheck(workloads, triples, ports);
  });

  it('keeps source and destination apart when their ids need every bit of a key (2^24 + 2 workloads: 7 bits of block, 25 of destination)', () => {
    const ports = new PortSetTable();
    const http = ports.intern([80, 80]);
    const dns = ports.intern([53, 53]);
    const workloads = 2 ** 24 + 2;
    const top = workloads - 1;
    const collector = new PairCollector(workloads);
    // Sources at the last place of their block (all ones in the key's high bits, the sign bit among them).
    collector.add(127, top, http);
    collector.add(top, 0, dns);
    collector.add(top - 1, top, http);
    collector.add(127, top, dns);
    collector.add(127, 5, dns);
    const table = collector.finish(ports);
    expect(table.size).toBe(4);
    expect([table.get(127, 5), table.get(127, top), table.get(top, 0), table.get(top - 1, top)]).toEqual([dns, ports.union(http, dns), dns, http]);
    expect(Array.from(table.dest.subarray(table.rowStart[127], table.rowStart[128]))).toEqual([5, top]);
    expect(table.get(top, top)).toBeUndefined();
  });
});
