import type { ErrorDetail } from './domain.exception';

/** Deepest nesting of objects and arrays a request value may have (policies need about 12 levels). */
export const MAX_VALUE_DEPTH = 64;

const describe = (path: string): string => path || 'the request';
// With the u flag, paired surrogates are one code point: only lone ones are in category Cs.
const LONE_SURROGATE = /\p{Cs}/u;

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * The first part of a request value (a JSON body, query parameters, GraphQL arguments) that
 * PostgreSQL could not store or that JavaScript would silently change, or null: a NUL character
 * (PostgreSQL's text refuses it), a lone UTF-16 surrogate (it would be stored as U+FFFD), an object
 * key `__proto__` (dropped, or worse, by object spreads), or nesting deeper than MAX_VALUE_DEPTH
 * (recursive validation would exhaust the stack). Iterative, so any depth is walked safely.
 *
 * @example findUnsafeValue({ title: 'a\u0000b' }) // { path: 'title', message: 'title must not contain NUL characters' }
 */
export function findUnsafeValue(value: unknown, root = ''): ErrorDetail | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, path, depth } = next;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { path, message: `${describe(path)} must not contain NUL characters` };
      if (LONE_SURROGATE.test(current)) return { path, message: `${describe(path)} must be valid Unicode (it has a lone surrogate)` };
      continue;
    }
    // Only data is walked: arrays and plain objects (as JSON, query strings and GraphQL arguments give), never
    // class instances such as a request or response a resolver takes from its context.
    if (typeof current !== 'object' || current === null || !(Array.isArray(current) || isPlainObject(current))) continue;
    if (depth >= MAX_VALUE_DEPTH) return { path, message: `${describe(path)} is nested deeper than ${MAX_VALUE_DEPTH} levels` };
    const entries: [string, unknown][] = Array.isArray(current) ? current.map((v, i) => [String(i), v]) : Object.entries(current);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(current) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(current)) {
        if (key === '__proto__') return { path: childPath, message: `${describe(path)} must not have a key named __proto__` };
        if (key.includes('\u0000') || LONE_SURROGATE.test(key)) return { path: path || key, message: `${describe(path)} has a key with a NUL character or a lone surrogate` };
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/** Earliest and latest instants every store of the service accepts (PostgreSQL timestamptz has no year 0). */
// (Date.UTC maps years 0 to 99 to 1900-1999, so year 1 is set with setUTCFullYear.)
const FIRST_INSTANT = new Date(0).setUTCFullYear(1, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * An ISO 8601 date-time parameter: undefined when absent, a Date within years 1 to 9999, or a
 * problem pushed naming the parameter.
 *
 * @example parseInstant('from', '2026-12-04T12:00:00Z', problems) // 2026-12-04T12:00:00.000Z
 */
export function parseInstant(name: string, value: string | Date | null | undefined, problems: ErrorDetail[]): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
  const time = date.getTime();
  if (Number.isNaN(time) || (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(value))) {
    problems.push({ path: name, message: `${name} must be an ISO 8601 date-time such as 2026-12-04T12:00:00Z` });
    return undefined;
  }
  if (time < FIRST_INSTANT || time > LATEST) {
    problems.push({ path: name, message: `${name} must be between the years 1 and 9999` });
    return undefined;
  }
  return date;
}
