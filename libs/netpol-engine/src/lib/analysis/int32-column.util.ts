/**
 * A copy of an Int32Array column grown to hold at least `needed` values and at least twice as many
 * as it held, the new places holding `fill`: how the engine's number columns grow, filled in place
 * rather than pushed to. Columns of one table grown with one `needed` stay of one length.
 */
export function grownColumn(column: Int32Array, needed: number, fill = 0): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(Math.max(needed, column.length * 2));
  copy.set(column);
  if (fill !== 0) copy.fill(fill, column.length);
  return copy;
}
