import { ALL_ADDRESSES, type AddressSet } from './ip-address.util';
import { PortSetTable, type PortRanges } from './port-set.util';
import { compareBigint, lowerBoundBigint } from './sorted-search.util';

/**
 * A function from addresses to port sets, as sorted disjoint intervals `bounds[2i]..bounds[2i+1]`
 * with port-set ids `ports[i]` (never empty); addresses outside every interval map to no port.
 */
export interface PiecewisePorts {
  bounds: readonly bigint[];
  ports: readonly number[];
}

export const NO_PIECES: PiecewisePorts = { bounds: [], ports: [] };
export const ALL_PIECES: PiecewisePorts = { bounds: ALL_ADDRESSES, ports: [PortSetTable.ALL, PortSetTable.ALL] };

/** Builds the function `address → ∪ { ports of the entries whose addresses contain it }`. */
export function buildPiecewise(entries: readonly { addresses: AddressSet; ports: number }[], table: PortSetTable): PiecewisePorts {
  const cuts: bigint[] = [];
  for (const e of entries) for (let i = 0; i < e.addresses.length; i += 2) cuts.push(e.addresses[i], e.addresses[i + 1] + 1n);
  if (cuts.length === 0) return NO_PIECES;
  cuts.sort(compareBigint);
  const points: bigint[] = [];
  for (const c of cuts) if (points.length === 0 || points[points.length - 1] !== c) points.push(c);
  // Segment k is [points[k], points[k+1] - 1].
  const segmentPorts = new Array<number>(points.length - 1).fill(PortSetTable.EMPTY);
  for (const e of entries) {
    if (e.ports === PortSetTable.EMPTY) continue;
    for (let i = 0; i < e.addresses.length; i += 2) {
      let k = lowerBoundBigint(points, e.addresses[i]);
      const end = e.addresses[i + 1] + 1n;
      for (; k < points.length - 1 && points[k] < end; k++) segmentPorts[k] = table.union(segmentPorts[k], e.ports);
    }
  }
  const bounds: bigint[] = [];
  const ports: number[] = [];
  for (let k = 0; k < segmentPorts.length; k++) {
    if (segmentPorts[k] === PortSetTable.EMPTY) continue;
    const lo = points[k];
    const hi = points[k + 1] - 1n;
    const last = ports.length - 1;
    if (last >= 0 && ports[last] === segmentPorts[k] && bounds[2 * last + 1] + 1n === lo) bounds[2 * last + 1] = hi;
    else {
      bounds.push(lo, hi);
      ports.push(segmentPorts[k]);
    }
  }
  return { bounds, ports };
}

/** Pointwise union of two functions. */
export function unionPiecewise(a: PiecewisePorts, b: PiecewisePorts, table: PortSetTable): PiecewisePorts {
  if (a.ports.length === 0) return b;
  if (b.ports.length === 0 || a === b) return a;
  const entries: { addresses: AddressSet; ports: number }[] = [];
  for (const f of [a, b]) for (let i = 0; i < f.ports.length; i++) entries.push({ addresses: [f.bounds[2 * i], f.bounds[2 * i + 1]], ports: f.ports[i] });
  return buildPiecewise(entries, table);
}

/**
 * Pointwise `a \ b` of functions from possibly different tables, as plain port ranges:
 * returns intervals `[lo, hi]` with the ranges allowed by `a` and not by `b`.
 */
export function subtractPiecewise(
  a: PiecewisePorts,
  aRanges: (id: number) => PortRanges,
  b: PiecewisePorts,
  bRanges: (id: number) => PortRanges,
  subtract: (x: PortRanges, y: PortRanges) => number[],
): { lo: bigint; hi: bigint; ranges: number[] }[] {
  const out: { lo: bigint; hi: bigint; ranges: number[] }[] = [];
  let j = 0;
  for (let i = 0; i < a.ports.length; i++) {
    let lo = a.bounds[2 * i];
    const hi = a.bounds[2 * i + 1];
    const ranges = aRanges(a.ports[i]);
    while (j < b.ports.length && b.bounds[2 * j + 1] < lo) j++;
    let k = j;
    while (lo <= hi) {
      if (k >= b.ports.length || b.bounds[2 * k] > hi) {
        out.push({ lo, hi, ranges: [...ranges] });
        break;
      }
      const bLo = b.bounds[2 * k];
      const bHi = b.bounds[2 * k + 1];
      if (bLo > lo) {
        out.push({ lo, hi: bLo - 1n, ranges: [...ranges] });
        lo = bLo;
      }
      const segHi = bHi < hi ? bHi : hi;
      const left = subtract(ranges, bRanges(b.ports[k]));
      if (left.length > 0) out.push({ lo, hi: segHi, ranges: left });
      lo = segHi + 1n;
      k++;
    }
  }
  return out;
}
