/** Sorted, unique ids. Sparse sets use plain arrays: tens of thousands of tiny typed arrays cost the GC more. */
export type IdList = ArrayLike<number>;

const NO_IDS: readonly number[] = [];

/**
 * An immutable set of pod-class ids `0..universe-1`: everything, a sorted id list (sparse)
 * or a bitset over 32-bit words (dense), whichever is smaller.
 */
export class ClassSet {
  private constructor(
    readonly universe: number,
    readonly size: number,
    readonly list: IdList | null,
    readonly bits: Uint32Array | null,
  ) {}

  get isAll(): boolean {
    return this.size === this.universe;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  static all(universe: number): ClassSet {
    return new ClassSet(universe, universe, null, null);
  }

  static empty(universe: number): ClassSet {
    return new ClassSet(universe, 0, NO_IDS, null);
  }

  /** From ids that are sorted ascending and unique. */
  static fromSorted(universe: number, ids: IdList): ClassSet {
    if (ids.length === universe) return ClassSet.all(universe);
    if (ids.length * 32 <= universe) return new ClassSet(universe, ids.length, ids, null);
    const bits = new Uint32Array((universe + 31) >>> 5);
    for (let i = 0; i < ids.length; i++) bits[ids[i] >>> 5] |= 1 << (ids[i] & 31);
    return new ClassSet(universe, ids.length, null, bits);
  }

  /**
   * From the first `n` ids of a reused buffer (sorted, unique): dense sets go straight to a
   * bitset; sparse ones are copied out (a plain array when small, a typed copy when large).
   */
  static fromSortedPrefix(universe: number, buffer: Int32Array, n: number): ClassSet {
    if (n === universe) return ClassSet.all(universe);
    if (n * 32 <= universe) {
      if (n > 256) return new ClassSet(universe, n, buffer.slice(0, n), null);
      const ids: number[] = new Array(n);
      for (let i = 0; i < n; i++) ids[i] = buffer[i];
      return new ClassSet(universe, n, ids, null);
    }
    const bits = new Uint32Array((universe + 31) >>> 5);
    for (let i = 0; i < n; i++) bits[buffer[i] >>> 5] |= 1 << (buffer[i] & 31);
    return new ClassSet(universe, n, null, bits);
  }

  static fromBits(universe: number, bits: Uint32Array): ClassSet {
    let size = 0;
    for (let i = 0; i < bits.length; i++) size += popcount(bits[i]);
    return ClassSet.fromCountedBits(universe, bits, size);
  }

  /** From a bitset of `size` ids (counted already). */
  static fromCountedBits(universe: number, bits: Uint32Array, size: number): ClassSet {
    if (size === universe) return ClassSet.all(universe);
    if (size * 32 > universe) return new ClassSet(universe, size, null, bits);
    const ids: number[] = new Array(size);
    let k = 0;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w];
      while (word !== 0) {
        const low = word & -word;
        ids[k++] = (w << 5) | (31 - Math.clz32(low));
        word ^= low;
      }
    }
    return new ClassSet(universe, size, ids, null);
  }

  /** From any ids (unsorted, possibly repeated). */
  static fromIds(universe: number, ids: ArrayLike<number>): ClassSet {
    const buffer = idBuffer(ids.length);
    for (let i = 0; i < ids.length; i++) buffer[i] = ids[i];
    return ClassSet.fromSorted(universe, uniqueSorted(buffer.subarray(0, ids.length).sort()));
  }

  /** Ids `lo..hi-1`. */
  static range(universe: number, lo: number, hi: number): ClassSet {
    const ids: number[] = [];
    for (let i = lo; i < hi; i++) ids.push(i);
    return ClassSet.fromSorted(universe, ids);
  }

  /** The union of several sets; sparse inputs are merged as lists, dense ones through a bitset. */
  static union(universe: number, sets: readonly ClassSet[]): ClassSet {
    if (sets.length === 0) return ClassSet.empty(universe);
    if (sets.length === 1) return sets[0];
    let total = 0;
    let largest = sets[0];
    for (const set of sets) {
      if (set.isAll) return set;
      total += set.size;
      if (set.size > largest.size) largest = set;
    }
    if (largest.size === total) return largest;
    // Often every other set is a subset of the largest (a namespace-wide peer plus a few pods of it).
    let contained = true;
    for (let i = 0; i < sets.length && contained; i++) if (sets[i] !== largest) contained = largest.containsAll(sets[i]);
    if (contained) return largest;
    if (total * 32 > universe) return unionDense(universe, sets);
    if (total <= SMALL_UNION) return unionSmall(universe, sets, total);
    if (sets.length === 2) return ClassSet.fromSorted(universe, mergeSorted(sets[0].list as IdList, sets[1].list as IdList));
    // Sparse: concatenate into a reused typed buffer and sort it natively (no comparator, no copy).
    const buffer = idBuffer(total);
    let n = 0;
    for (const set of sets) {
      const list = set.list as IdList;
      for (let i = 0; i < list.length; i++) buffer[n++] = list[i];
    }
    return ClassSet.fromSorted(universe, uniqueSorted(buffer.subarray(0, n).sort()));
  }

  /** Whether every id of `other` is in this set. */
  containsAll(other: ClassSet): boolean {
    if (this.isAll || other.size === 0) return true;
    if (other.size > this.size) return false;
    if (other.bits) {
      if (!this.bits) return false;
      for (let i = 0; i < other.bits.length; i++) if ((other.bits[i] & ~this.bits[i]) !== 0) return false;
      return true;
    }
    if (!other.list) return false;
    for (let i = 0; i < other.list.length; i++) if (!this.has(other.list[i])) return false;
    return true;
  }

  has(id: number): boolean {
    if (this.bits) return (this.bits[id >>> 5] & (1 << (id & 31))) !== 0;
    if (!this.list) return id >= 0 && id < this.universe;
    return listHas(this.list, id);
  }

  /** Calls `callback` with each id, ascending (a loop of its own: a wrapper for `some` was a closure per call, about 20 MB of garbage per analysis of L with its connectivity). */
  forEach(callback: (id: number) => void): void {
    if (this.list) {
      const list = this.list;
      for (let i = 0; i < list.length; i++) callback(list[i]);
    } else if (this.bits) {
      const bits = this.bits;
      for (let w = 0; w < bits.length; w++) {
        let word = bits[w];
        while (word !== 0) {
          const low = word & -word;
          callback((w << 5) | (31 - Math.clz32(low)));
          word ^= low;
        }
      }
    } else {
      for (let i = 0; i < this.universe; i++) callback(i);
    }
  }

  /** Whether `predicate` holds for some id, trying ids in ascending order and stopping at the first. */
  some(predicate: (id: number) => boolean): boolean {
    if (this.list) {
      for (let i = 0; i < this.list.length; i++) if (predicate(this.list[i])) return true;
    } else if (this.bits) {
      const bits = this.bits;
      for (let w = 0; w < bits.length; w++) {
        let word = bits[w];
        while (word !== 0) {
          const low = word & -word;
          if (predicate((w << 5) | (31 - Math.clz32(low)))) return true;
          word ^= low;
        }
      }
    } else {
      for (let i = 0; i < this.universe; i++) if (predicate(i)) return true;
    }
    return false;
  }

  toArray(): IdList {
    if (this.list) return this.list;
    const out = new Int32Array(this.size);
    let k = 0;
    this.forEach((id) => (out[k++] = id));
    return out;
  }
}

/** Whether a sorted list of unique ids holds `id` (binary search). */
export function listHas(list: IdList, id: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = list[mid];
    if (value === id) return true;
    if (value < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Accumulates a union of class sets in a bitset. */
export class ClassSetBuilder {
  private bits: Uint32Array | null;
  private all = false;

  constructor(readonly universe: number) {
    this.bits = new Uint32Array((universe + 31) >>> 5);
  }

  add(id: number): void {
    if (this.bits) this.bits[id >>> 5] |= 1 << (id & 31);
  }

  addSet(set: ClassSet): void {
    if (this.all || set.size === 0) return;
    if (set.isAll) {
      this.all = true;
      this.bits = null;
      return;
    }
    const bits = this.bits as Uint32Array;
    if (set.bits) {
      const other = set.bits;
      for (let i = 0; i < other.length; i++) bits[i] |= other[i];
    } else if (set.list) {
      const list = set.list;
      for (let i = 0; i < list.length; i++) bits[list[i] >>> 5] |= 1 << (list[i] & 31);
    }
  }

  build(): ClassSet {
    if (this.all || !this.bits) return ClassSet.all(this.universe);
    return ClassSet.fromBits(this.universe, this.bits);
  }
}

/** Reused buffers: unions run tens of thousands of times per analysis, mostly on small sets. */
let idScratch = new Int32Array(1024);
let bitScratch = new Uint32Array(64);

/** Unions of at most this many ids in all (most rules' peers: a few pods each) are sorted by insertion. */
const SMALL_UNION = 16;

/** The union of sparse sets of `total` ids in all (at most SMALL_UNION), straight into its list. */
function unionSmall(universe: number, sets: readonly ClassSet[], total: number): ClassSet {
  const ids: number[] = new Array(total);
  let n = 0;
  for (let s = 0; s < sets.length; s++) {
    const list = sets[s].list as IdList;
    for (let i = 0; i < list.length; i++) {
      const id = list[i];
      let at = n;
      while (at > 0 && ids[at - 1] > id) at--;
      if (at > 0 && ids[at - 1] === id) continue;
      for (let k = n; k > at; k--) ids[k] = ids[k - 1];
      ids[at] = id;
      n++;
    }
  }
  ids.length = n;
  return ClassSet.fromSorted(universe, ids);
}

function idBuffer(size: number): Int32Array {
  if (idScratch.length < size) idScratch = new Int32Array(Math.max(size, idScratch.length * 2));
  return idScratch;
}

/** The distinct values of a sorted buffer, as a plain array. */
function uniqueSorted(sorted: Int32Array): number[] {
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
  const out: number[] = new Array(unique);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out[k++] = sorted[i];
  return out;
}

/** The union of two sorted unique id lists, sorted and unique. */
function mergeSorted(a: IdList, b: IdList): number[] {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      i++;
      j++;
    }
    n++;
  }
  n += a.length - i + (b.length - j);
  const out: number[] = new Array(n);
  i = 0;
  j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x < y) {
      out[k++] = x;
      i++;
    } else if (x > y) {
      out[k++] = y;
      j++;
    } else {
      out[k++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** Union through a reused bitset; only the result is allocated (a bitset copy or an id list). */
function unionDense(universe: number, sets: readonly ClassSet[]): ClassSet {
  const words = (universe + 31) >>> 5;
  if (bitScratch.length < words) bitScratch = new Uint32Array(Math.max(words, bitScratch.length * 2));
  const bits = bitScratch;
  for (const set of sets) {
    if (set.bits) {
      const other = set.bits;
      for (let i = 0; i < other.length; i++) bits[i] |= other[i];
    } else {
      const list = set.list as IdList;
      for (let i = 0; i < list.length; i++) bits[list[i] >>> 5] |= 1 << (list[i] & 31);
    }
  }
  let size = 0;
  for (let i = 0; i < words; i++) size += popcount(bits[i]);
  let result: ClassSet;
  if (size * 32 > universe) result = ClassSet.fromCountedBits(universe, bits.slice(0, words), size);
  else {
    const ids: number[] = new Array(size);
    let k = 0;
    for (let w = 0; w < words; w++) {
      let word = bits[w];
      while (word !== 0) {
        const low = word & -word;
        ids[k++] = (w << 5) | (31 - Math.clz32(low));
        word ^= low;
      }
    }
    result = ClassSet.fromSorted(universe, ids);
  }
  bits.fill(0, 0, words);
  return result;
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
