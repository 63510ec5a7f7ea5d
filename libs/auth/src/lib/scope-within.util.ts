/** True when every cluster `scope` reaches is also reached by `within` (null: every cluster). */
export function scopeWithin(scope: readonly string[] | null, within: readonly string[] | null): boolean {
  if (within === null) return true;
  return scope !== null && scope.every((name) => within.includes(name));
}
