/**
 * A copy of an Int32Array column `size` long (at least its length), the new places holding `fill`:
 * how the engine's number columns grow, filled in place rather than pushed to.
 */
export function grownColumn(column: Int32Array, size: number, fill = 0): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(size);
  copy.set(column);
  if (fill !== 0) copy.fill(fill, column.length);
  return copy;
}
