import fc from 'fast-check';

import { groupByKey } from '../group-by-key.util';

describe(groupByKey.name, () => {
  it('lists the ids of each key in ascending order, keys without ids as empty rows', () => {
    const { start, order } = groupByKey([2, 0, 2, 0, 3], 5);
    expect(Array.from(start)).toEqual([0, 2, 2, 4, 5, 5]);
    expect(Array.from(order)).toEqual([1, 3, 0, 2, 4]);
  });

  it('agrees with filtering the ids key by key', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }).chain((keyCount) => fc.tuple(fc.constant(keyCount), fc.array(fc.integer({ min: 0, max: keyCount - 1 }), { maxLength: 200 }))),
        ([keyCount, keys]) => {
          const { start, order } = groupByKey(keys, keyCount);
          for (let k = 0; k < keyCount; k++) {
            const expected = keys.flatMap((key, id) => (key === k ? [id] : []));
            expect(Array.from(order.subarray(start[k], start[k + 1]))).toEqual(expected);
          }
        },
      ),
    );
  });
});
