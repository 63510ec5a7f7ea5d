import type { LabelSelector, LabelSelectorOperator } from '../manifest/network-policy.type';
import { NAMESPACE_NAME_LABEL } from './analysis-primitives.util';

interface Requirement {
  key: string;
  operator: LabelSelectorOperator;
  values: ReadonlySet<string>;
}

const requirementCache = new WeakMap<LabelSelector, Requirement[]>();

/** matchLabels as `In [value]` requirements, plus matchExpressions: all ANDed. */
function requirementsOf(selector: LabelSelector): Requirement[] {
  let reqs = requirementCache.get(selector);
  if (!reqs) {
    reqs = [];
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key, operator: 'In', values: new Set([value]) });
    for (const e of selector.matchExpressions ?? []) reqs.push({ key: e.key, operator: e.operator, values: new Set(e.values ?? []) });
    requirementCache.set(selector, reqs);
  }
  return reqs;
}

function isSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const v of a) if (!b.has(v)) return false;
  return true;
}

function isDisjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const v of a) if (b.has(v)) return false;
  return true;
}

/** Whether one requirement of `given` alone guarantees `wanted` (NotIn and DoesNotExist hold on a missing key). */
function guarantees(given: Requirement, wanted: Requirement): boolean {
  if (given.key !== wanted.key) return false;
  switch (wanted.operator) {
    case 'Exists':
      return given.operator === 'In' || given.operator === 'Exists';
    case 'DoesNotExist':
      return given.operator === 'DoesNotExist';
    case 'In':
      return given.operator === 'In' && isSubset(given.values, wanted.values);
    case 'NotIn':
      return (
        given.operator === 'DoesNotExist' ||
        (given.operator === 'In' && isDisjoint(given.values, wanted.values)) ||
        (given.operator === 'NotIn' && isSubset(wanted.values, given.values))
      );
  }
}

/**
 * Whether every label set `a` matches is also matched by `b`, judged requirement by requirement.
 * Sound but not complete: `false` can also mean "could not tell".
 *
 * @example selectorImplies({ matchLabels: { app: 'web', tier: 'fe' } }, { matchLabels: { app: 'web' } }) // true
 */
export function selectorImplies(a: LabelSelector, b: LabelSelector): boolean {
  const given = requirementsOf(a);
  return requirementsOf(b).every((wanted) => given.some((g) => guarantees(g, wanted)));
}

/** Whether a selector matches every label set (`{}`, or only always-true requirements). */
export function selectsEverything(selector: LabelSelector): boolean {
  return requirementsOf(selector).length === 0;
}

/** Whether a namespaceSelector matches every namespace: `{}` or only `kubernetes.io/metadata.name Exists`. */
export function selectsEveryNamespace(selector: LabelSelector): boolean {
  return requirementsOf(selector).every((r) => r.key === NAMESPACE_NAME_LABEL && r.operator === 'Exists');
}

/** The selector matching exactly the namespace `name` (the API server labels every namespace with its name). */
export function namespaceNameSelector(name: string): LabelSelector {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: name } };
}

/**
 * A selector in kubectl's label-selector syntax, or `all` for `{}`.
 *
 * @example describeSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] })
 * // 'app=web,tier notin (db)'
 */
export function describeSelector(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push(`${key}=${value}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.length === 0 ? 'all' : parts.join(',');
}
