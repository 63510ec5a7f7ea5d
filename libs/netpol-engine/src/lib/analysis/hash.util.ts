/** Allocation-free 32-bit hashing, for grouping 100k pods without building a key string per pod. */

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Mixes `value` into hash `h`. The result has 30 bits: a small integer to V8 whatever the build,
 * so a Map keyed by hashes stores its keys inline instead of allocating a heap number for each.
 */
export function mix(h: number, value: number): number {
  h = Math.imul(h ^ value, 0x9e3779b1);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** An order-independent hash of a label set (no `Object.keys`, no sorting). */
export function hashLabels(labels: Readonly<Record<string, string>>): number {
  let sum = 0;
  let count = 0;
  for (const key in labels) {
    sum = (sum + mix(hashString(key), hashString(labels[key]))) | 0;
    count++;
  }
  return mix(sum >>> 0, count);
}

export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  let count = 0;
  for (const key in a) {
    if (b[key] !== a[key] || !Object.prototype.hasOwnProperty.call(b, key)) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}
