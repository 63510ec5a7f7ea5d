/** Ids grouped by a small integer key, as compressed rows. */
export interface KeyGroups {
  /** The ids with key k are `order[start[k] .. start[k + 1] - 1]`, ascending. */
  start: Int32Array;
  order: Int32Array;
}

/**
 * Groups the ids `0 .. keys.length - 1` by their key in `0 .. keyCount - 1` with a counting sort:
 * one pass to count, one to place, no comparisons and no per-group arrays.
 *
 * @example groupByKey([1, 0, 1], 2) // { start: [0, 1, 3], order: [1, 0, 2] }
 */
export function groupByKey(keys: ArrayLike<number>, keyCount: number): KeyGroups {
  const start = new Int32Array(keyCount + 1);
  for (let i = 0; i < keys.length; i++) start[keys[i] + 1]++;
  for (let k = 0; k < keyCount; k++) start[k + 1] += start[k];
  const order = new Int32Array(keys.length);
  const cursor = start.slice(0, keyCount);
  for (let i = 0; i < keys.length; i++) order[cursor[keys[i]]++] = i;
  return { start, order };
}
