import type { Inventory } from '../analysis/model.type';
import type { LabelSelector } from '../manifest/network-policy.type';
import { labelsKey, NAMESPACE_NAME_LABEL, selectorKey, selectorMatches } from './analysis-primitives.util';

type Labels = Readonly<Record<string, string>>;

/**
 * Namespaces and the distinct pod label sets per namespace, for "does this select anything"
 * questions. Answers are cached per selector, so repeated selectors cost one evaluation.
 */
export class InventoryIndex {
  private readonly namespaceLabels = new Map<string, Labels>();
  /** `key\u0000value` → namespaces with that label: most namespaceSelectors have a matchLabels entry. */
  private readonly namespacesByLabel = new Map<string, string[]>();
  private readonly labelSets = new Map<string, Labels[]>();
  private readonly namespaceMatches = new Map<string, string[]>();
  private readonly podMatches = new Map<string, boolean>();

  constructor(inventory: Inventory) {
    for (const ns of inventory.namespaces) this.namespaceLabels.set(ns.name, { ...(ns.labels ?? {}), [NAMESPACE_NAME_LABEL]: ns.name });
    const seen = new Map<string, Set<string>>();
    for (const pod of inventory.pods) {
      if (!this.namespaceLabels.has(pod.namespace)) this.namespaceLabels.set(pod.namespace, { [NAMESPACE_NAME_LABEL]: pod.namespace });
      const labels = pod.labels ?? {};
      const key = labelsKey(labels);
      let keys = seen.get(pod.namespace);
      if (!keys) {
        keys = new Set();
        seen.set(pod.namespace, keys);
        this.labelSets.set(pod.namespace, []);
      }
      if (!keys.has(key)) {
        keys.add(key);
        this.labelSets.get(pod.namespace)?.push(labels);
      }
    }
    for (const [name, labels] of this.namespaceLabels) {
      for (const [key, value] of Object.entries(labels)) {
        const entry = `${key}\u0000${value}`;
        const list = this.namespacesByLabel.get(entry);
        if (list) list.push(name);
        else this.namespacesByLabel.set(entry, [name]);
      }
    }
  }

  /** Names of the namespaces a namespaceSelector matches. */
  namespacesMatching(selector: LabelSelector): string[] {
    const key = selectorKey(selector);
    let names = this.namespaceMatches.get(key);
    if (!names) {
      const first = Object.entries(selector.matchLabels ?? {})[0];
      const candidates = first ? (this.namespacesByLabel.get(`${first[0]}\u0000${first[1]}`) ?? []) : [...this.namespaceLabels.keys()];
      names = candidates.filter((name) => selectorMatches(selector, this.namespaceLabels.get(name) as Labels));
      this.namespaceMatches.set(key, names);
    }
    return names;
  }

  /** Whether some pod of the namespace matches the selector. */
  hasPod(namespace: string, selector: LabelSelector): boolean {
    const key = `${namespace}\u0000${selectorKey(selector)}`;
    let found = this.podMatches.get(key);
    if (found === undefined) {
      found = (this.labelSets.get(namespace) ?? []).some((labels) => selectorMatches(selector, labels));
      this.podMatches.set(key, found);
    }
    return found;
  }
}
