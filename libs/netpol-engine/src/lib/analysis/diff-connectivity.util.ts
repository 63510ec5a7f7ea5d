import type { NetworkPolicy } from '../manifest';
import { createAnalysis } from './create-analysis.util';
import type { AnalysisInput, ConnectivityDiff, PolicyChanges } from './model.type';

function policyChanges(before: readonly NetworkPolicy[], after: readonly NetworkPolicy[]): PolicyChanges {
  const key = (p: NetworkPolicy) => `${p.metadata.namespace}/${p.metadata.name}`;
  const old = new Map(before.map((p) => [key(p), p]));
  const upsert: NetworkPolicy[] = [];
  const seen = new Set<string>();
  for (const p of after) {
    const k = key(p);
    seen.add(k);
    const previous = old.get(k);
    if (previous !== p && (!previous || JSON.stringify(previous) !== JSON.stringify(p))) upsert.push(p);
  }
  const remove = [...old.entries()].filter(([k]) => !seen.has(k)).map(([, p]) => ({ namespace: p.metadata.namespace, name: p.metadata.name }));
  return { upsert, delete: remove };
}

/**
 * Flows opened (`added`) and closed (`removed`) between two inputs, aggregated like
 * `connectivity` and compared port by port and address by address, so equivalent rewrites
 * give an empty diff. When both inputs share the same inventory object and options, only the
 * classes the changed policies select are recomputed; otherwise both sides are computed in full
 * (for example two inventory snapshots with the same policies).
 *
 * @example
 * diffConnectivity({ inventory, policies }, { inventory, policies: [...policies, allowEgressTo443] });
 * // { added: [{ from: prod/api[Deployment], to: 1.1.1.1/32, ports: [{ protocol: 'TCP', ranges: [[443, 443]] }] }], removed: [] }
 */
export function diffConnectivity(before: AnalysisInput, after: AnalysisInput): ConnectivityDiff {
  const sameOptions = (before.options?.ipBlockMatchesPodIps ?? true) === (after.options?.ipBlockMatchesPodIps ?? true);
  const base = createAnalysis(before);
  if (before.inventory === after.inventory && sameOptions) {
    return base.diff(base.withPolicyChanges(policyChanges(before.policies, after.policies)));
  }
  return base.diff(createAnalysis(after));
}
