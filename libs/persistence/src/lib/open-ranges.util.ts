/** An inclusive port range. */
export type Range = [number, number];

/** A stored open range of a flow. */
export interface OpenRange {
  id: string;
  flowKey: string;
  openedById: string;
  from: number;
  to: number;
}

/** A change just recorded, in recording order. */
export interface RecordedChange {
  id: string;
  change: 'OPENED' | 'CLOSED';
  flowKey: string;
  from: number;
  to: number;
}

/** What to do to open_connections: rows to delete, and ranges to insert with the change that opened them. */
export interface OpenRangesPlan {
  deleteIds: string[];
  inserts: { openedById: string; from: number; to: number }[];
}

/** `range` minus every range of `cuts` (sorted by start, may overlap), as sorted disjoint ranges. */
export function subtractRanges(range: Range, cuts: readonly Range[]): Range[] {
  const out: Range[] = [];
  let start = range[0];
  for (const [lo, hi] of cuts) {
    if (hi < start) continue;
    if (lo > range[1]) break;
    if (lo > start) out.push([start, lo - 1]);
    start = Math.max(start, hi + 1);
    if (start > range[1]) return out;
  }
  if (start <= range[1]) out.push([start, range[1]]);
  return out;
}

const byStart = (a: Range, b: Range): number => a[0] - b[0];

/**
 * The open ranges after a change, per flow: closed ranges are subtracted from the open ones (a partly
 * closed range is split, its parts keep their opener), then opened ranges are added where no range
 * is open yet (an already open part keeps its first opener). Linear in the rows given, after sorting.
 *
 * @example planOpenRanges([{ id: 'o1', flowKey: 'k', openedById: 'c1', from: 80, to: 90 }], [{ id: 'c2', change: 'CLOSED', flowKey: 'k', from: 85, to: 85 }])
 * // { deleteIds: ['o1'], inserts: [{ openedById: 'c1', from: 80, to: 84 }, { openedById: 'c1', from: 86, to: 90 }] }
 */
export function planOpenRanges(existing: readonly OpenRange[], changes: readonly RecordedChange[]): OpenRangesPlan {
  const cutsByFlow = new Map<string, Range[]>();
  for (const change of changes) {
    if (change.change !== 'CLOSED') continue;
    const cuts = cutsByFlow.get(change.flowKey) ?? [];
    cuts.push([change.from, change.to]);
    cutsByFlow.set(change.flowKey, cuts);
  }
  for (const cuts of cutsByFlow.values()) cuts.sort(byStart);

  const plan: OpenRangesPlan = { deleteIds: [], inserts: [] };
  // What is open per flow once the closed ranges are gone.
  const openByFlow = new Map<string, Range[]>();
  const openOf = (flowKey: string): Range[] => {
    let open = openByFlow.get(flowKey);
    if (!open) openByFlow.set(flowKey, (open = []));
    return open;
  };
  for (const row of existing) {
    const cuts = cutsByFlow.get(row.flowKey);
    const remains = cuts ? subtractRanges([row.from, row.to], cuts) : [[row.from, row.to] as Range];
    const [first] = remains;
    const untouched = remains.length === 1 && first !== undefined && first[0] === row.from && first[1] === row.to;
    if (!untouched) {
      plan.deleteIds.push(row.id);
      for (const [from, to] of remains) plan.inserts.push({ openedById: row.openedById, from, to });
    }
    openOf(row.flowKey).push(...remains);
  }
  for (const change of changes) {
    if (change.change !== 'OPENED') continue;
    const open = openOf(change.flowKey).sort(byStart);
    for (const [from, to] of subtractRanges([change.from, change.to], open)) {
      plan.inserts.push({ openedById: change.id, from, to });
      open.push([from, to]);
    }
  }
  return plan;
}
