import { RecentCache } from '../recent-cache.util';

describe(RecentCache.name, () => {
  it('keeps the most recently used entries and drops the least recently used first', () => {
    const sut = new RecentCache<number>(2);
    sut.set('a', 1);
    sut.set('b', 2);
    expect(sut.get('a')).toBe(1); // `a` is now the most recent
    sut.set('c', 3);
    expect([sut.get('a'), sut.get('b'), sut.get('c')]).toEqual([1, undefined, 3]);
  });

  it('replaces an entry set again under the same key without growing', () => {
    const sut = new RecentCache<string>(1);
    sut.set('k', 'old');
    sut.set('k', 'new');
    expect(sut.get('k')).toBe('new');
  });
});
