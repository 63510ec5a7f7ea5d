import type { DriftItem } from '@palisade/persistence';

import { type DesiredPolicy, isManagedFor, type LivePolicy, MANAGED_BY_LABEL, MANAGED_BY_VALUE, metadataDifference } from './managed-policy.util';

/**
 * How the live NetworkPolicies differ from the applied version of `clusterName`: managed ones edited
 * or deleted, NetworkPolicies Palisade does not manage (they change connectivity too), and objects
 * labelled as managed for this cluster that the version lacks. Objects Palisade manages for another
 * registered cluster sharing the API server are that cluster's business. Sorted by namespace, then name.
 *
 * @example computeDrift(new Map(), new Map([['a/x', live]]), 3, 'prod') // [{ namespace: 'a', name: 'x', kind: 'UNMANAGED', ... }]
 */
export function computeDrift(
  desired: ReadonlyMap<string, DesiredPolicy>,
  live: ReadonlyMap<string, LivePolicy>,
  version: number,
  clusterName: string,
): DriftItem[] {
  const items: DriftItem[] = [];
  for (const d of desired.values()) {
    const l = live.get(d.key);
    if (!l) {
      items.push({ namespace: d.namespace, name: d.name, kind: 'DELETED', reason: `deleted; version ${version} has it` });
    } else if (!isManagedFor(l, clusterName)) {
      items.push({ namespace: d.namespace, name: d.name, kind: 'MODIFIED', reason: `label ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} was removed` });
    } else if (l.specHash !== d.specHash) {
      items.push({ namespace: d.namespace, name: d.name, kind: 'MODIFIED', reason: `spec differs from version ${version}` });
    } else {
      const difference = metadataDifference(d, l);
      if (difference) items.push({ namespace: d.namespace, name: d.name, kind: 'MODIFIED', reason: `${difference} from version ${version}` });
    }
  }
  for (const l of live.values()) {
    if (desired.has(l.key) || (l.managed && !isManagedFor(l, clusterName))) continue;
    items.push(
      l.managed
        ? { namespace: l.namespace, name: l.name, kind: 'UNEXPECTED', reason: `labelled as managed by Palisade but not in version ${version}` }
        : { namespace: l.namespace, name: l.name, kind: 'UNMANAGED', reason: 'not managed by Palisade' },
    );
  }
  return items.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}

/** Drift Palisade can undo by applying again: everything except policies it does not manage. */
export function isHealable(item: DriftItem): boolean {
  return item.kind !== 'UNMANAGED';
}

export function sameDrift(a: readonly DriftItem[], b: readonly DriftItem[]): boolean {
  const key = (i: DriftItem): string => `${i.kind} ${i.namespace}/${i.name} ${i.reason}`;
  return a.length === b.length && a.map(key).join('\n') === b.map(key).join('\n');
}
