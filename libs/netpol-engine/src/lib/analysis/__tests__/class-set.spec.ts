import fc from 'fast-check';

import { ClassSet } from '../class-set.util';

/** ClassSet construction and union against plain sorted arrays, across the sparse, dense and "all" forms. */
const sets = fc.integer({ min: 1, max: 2000 }).chain((universe) =>
  fc.record({
    universe: fc.constant(universe),
    lists: fc.array(
      fc.oneof(
        fc.array(fc.integer({ min: 0, max: universe - 1 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: universe - 1 }), { maxLength: universe * 2 }),
        fc.constant(Array.from({ length: universe }, (_, i) => i)),
      ),
      { minLength: 1, maxLength: 6 },
    ),
  }),
);

function sortedUnique(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

describe('ClassSet', () => {
  it('fromIds, fromSortedPrefix and union agree with sorted arrays', () => {
    fc.assert(
      fc.property(sets, ({ universe, lists }) => {
        const built = lists.map((ids) => ClassSet.fromIds(universe, ids));
        built.forEach((set, i) => expect(Array.from(set.toArray())).toEqual(sortedUnique(lists[i])));
        for (const ids of lists) {
          const expected = sortedUnique(ids);
          const buffer = Int32Array.from([...expected, 7, 7]);
          const prefix = ClassSet.fromSortedPrefix(universe, buffer, expected.length);
          expect(Array.from(prefix.toArray())).toEqual(expected);
          expect(prefix.size).toBe(expected.length);
        }
        const union = ClassSet.union(universe, built);
        const expected = sortedUnique(lists.flat());
        expect(Array.from(union.toArray())).toEqual(expected);
        expect(union.size).toBe(expected.length);
        expect(union.isAll).toBe(expected.length === universe);
        for (let id = 0; id < universe; id += Math.max(1, Math.floor(universe / 50))) expect(union.has(id)).toBe(expected.includes(id));
        // Repeated unions reuse scratch buffers: a second call must give the same answer.
        expect(Array.from(ClassSet.union(universe, built).toArray())).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('some visits ids in ascending order and stops at the first that passes, in every form', () => {
    fc.assert(
      fc.property(sets, fc.integer({ min: 0, max: 1999 }), ({ universe, lists }, pick) => {
        const sets = [...lists.map((ids) => ClassSet.fromIds(universe, ids)), ClassSet.all(universe), ClassSet.empty(universe)];
        for (const set of sets) {
          const ids = Array.from(set.toArray());
          const stopAt = ids.length === 0 ? -1 : ids[pick % ids.length];
          const seen: number[] = [];
          const found = set.some((id) => (seen.push(id), id === stopAt));
          expect(found).toBe(stopAt >= 0);
          expect(seen).toEqual(stopAt >= 0 ? ids.slice(0, ids.indexOf(stopAt) + 1) : ids);
        }
      }),
      { numRuns: 300 },
    );
  });
});
