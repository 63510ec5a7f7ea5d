/**
 * A plain JSON object. Arrays, and the Set, Map or Buffer that YAML tags such as `!!set`, `!!omap`
 * or `!!binary` produce, are not: a `!!set` podSelector must not pass for `{}` (all pods).
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
