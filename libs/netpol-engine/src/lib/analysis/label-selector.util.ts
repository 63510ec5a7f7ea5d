import type { LabelSelector } from '../manifest';

export type Labels = Readonly<Record<string, string>>;

/**
 * Whether a label selector matches a label set. `{}` matches everything; `NotIn` and
 * `DoesNotExist` match when the key is missing.
 *
 * @example selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {}) // true
 */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const matchLabels = selector.matchLabels;
  if (matchLabels) {
    for (const key in matchLabels) if (labels[key] !== matchLabels[key]) return false;
  }
  const expressions = selector.matchExpressions;
  if (expressions) {
    for (const expression of expressions) {
      const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
      switch (expression.operator) {
        case 'In':
          if (!has || !(expression.values ?? []).includes(labels[expression.key])) return false;
          break;
        case 'NotIn':
          if (has && (expression.values ?? []).includes(labels[expression.key])) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
      }
    }
  }
  return true;
}

/** A canonical text for a selector: equal for selectors that are written differently but mean the same. */
export function selectorKey(selector: LabelSelector): string {
  const matchLabels = selector.matchLabels;
  const expressions = selector.matchExpressions;
  let out = '';
  if (matchLabels) {
    let keys: string[] | undefined;
    let single: string | undefined;
    for (const key in matchLabels) {
      if (single === undefined && !keys) single = key;
      else (keys ??= [single as string]).push(key);
    }
    if (keys) {
      keys.sort();
      for (const key of keys) out += `${key}=${matchLabels[key]}\u0000`;
    } else if (single !== undefined) out = `${single}=${matchLabels[single]}\u0000`;
  }
  if (expressions && expressions.length > 0) {
    const texts = expressions.map((e) => `${e.key} ${e.operator} ${[...new Set(e.values ?? [])].sort().join('\u0001')}`);
    out += [...new Set(texts)].sort().join('\u0000');
  }
  return out;
}

/** A canonical text for a label set. */
export function labelsKey(labels: Labels): string {
  const keys = Object.keys(labels);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) sorted = false;
  if (!sorted) keys.sort();
  let out = '';
  for (const key of keys) out += `${key}\u0001${labels[key]}\u0000`;
  return out;
}
