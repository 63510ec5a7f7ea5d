import fc from 'fast-check';

import { SignatureRegistry } from '../policy-index.util';

/** Group id lists as signatureOf takes them: ascending, distinct, non-empty. */
const groupLists = fc.array(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 }).map((ids) => ids.sort((a, b) => a - b)), { maxLength: 400 });

describe(SignatureRegistry.name, () => {
  it('numbers each distinct group list once, from 1, whatever the order and the room reserved; its columns list its groups', () => {
    fc.assert(
      fc.property(groupLists, fc.integer({ min: 0, max: 50 }), (lists, reserved) => {
        const sut = new SignatureRegistry('ingress');
        sut.reserve(reserved, reserved * 2);
        const expected = new Map<string, number>();
        for (const list of lists) {
          const id = sut.signatureOf(list, 0, list.length);
          const key = list.join(',');
          if (!expected.has(key)) expected.set(key, expected.size + 1);
          expect(id).toBe(expected.get(key));
        }
        expect(sut.count).toBe(expected.size + 1);
        for (const [key, id] of expected) {
          expect(Array.from(sut.groups.subarray(sut.groupStart[id], sut.groupStart[id] + sut.groupCount[id])).join(',')).toBe(key);
          // New signatures have no table and no external function yet.
          expect([sut.tableStart[id], sut.tableEnd[id], sut.externalOf(id, 0)]).toEqual([-1, -1, undefined]);
        }
      }),
    );
  });

  it('finds a signature from a range of a longer list, and tells apart 20,000 lists whose hash tables grow and collide', () => {
    const sut = new SignatureRegistry('egress');
    const rows = new Int32Array([9, 3, 4, 5, 9]);
    const id = sut.signatureOf(rows, 1, 4);
    expect(sut.signatureOf([3, 4, 5], 0, 3)).toBe(id);
    expect(sut.signatureOf([3, 4], 0, 2)).not.toBe(id);
    const ids = new Set<number>();
    for (let i = 0; i < 20_000; i++) ids.add(sut.signatureOf([i, 100_000 + i], 0, 2));
    expect(ids.size).toBe(20_000);
    for (let i = 0; i < 20_000; i += 997) expect(sut.signatureOf([i, 100_000 + i], 0, 2)).toBe(id + 2 + i);
    expect(sut.count).toBe(20_003);
  });
});
