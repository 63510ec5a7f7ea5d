import fc from 'fast-check';
import type { NetworkPolicy } from '../../manifest';
import { createAnalysis, type Flow, formatFlow, type Inventory, type InventoryPod } from '../index';
import { ReferenceEvaluator } from './reference/reference-evaluator';

/**
 * Clusters past the sizes where connectivity switches strategy: destinations admitting more than
 * 64 classes, the egress index (sources whose egress cannot reach a destination are skipped),
 * and large source groups met with a destination's ingress a bitset word at a time. The random
 * clusters of engine-vs-reference.spec.ts are far too small to get there.
 */
interface Shape {
  seed: number;
  namespaces: number;
  /** One namespace in `openEvery` has no policy at all. */
  openEvery: number;
  /** One in `ingressOnlyEvery` isolates ingress only. */
  ingressOnlyEvery: number;
  /** Share (of 8) of isolated namespaces whose egress allows everything. */
  egressAllEighths: number;
}

const APPS = ['web', 'api', 'payments', 'db', 'worker', 'cache'];
const HTTP_PORT: Record<string, number> = { db: 5432, cache: 6379 };

/** A deterministic cluster of the open shape (label-selected sources from every namespace, narrow egress). */
function denseCluster(shape: Shape): { inventory: Inventory; policies: NetworkPolicy[] } {
  let x = shape.seed >>> 0 || 1;
  const rand = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const namespaces = Array.from({ length: shape.namespaces }, (_, i) => ({ name: `team-${i}`, labels: { tier: i % 3 === 0 ? 'front' : 'back' } }));
  const pods: InventoryPod[] = [];
  const policies: NetworkPolicy[] = [];
  namespaces.forEach((ns, i) => {
    const apps = APPS.filter(() => rand(3) > 0);
    for (const app of apps.length > 0 ? apps : ['web']) {
      const replicas = 1 + rand(2);
      for (let r = 0; r < replicas; r++) {
        pods.push({
          namespace: ns.name,
          name: `${app}-${r}`,
          labels: { app },
          ip: `10.${i >> 8}.${i & 255}.${pods.length % 250}`,
          // Named ports differ by app: a rule on `http` resolves per destination.
          ports: [{ name: 'http', port: HTTP_PORT[app] ?? 8080 }],
          workload: { kind: 'Deployment', name: app },
        });
      }
    }
    if (i % shape.openEvery === 0) return;
    const ingressOnly = i % shape.ingressOnlyEvery === 1;
    const policy = (name: string, spec: NetworkPolicy['spec']): void => void policies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns.name }, spec });
    policy('default-deny', { podSelector: {}, policyTypes: ingressOnly ? ['Ingress'] : ['Ingress', 'Egress'] });
    // Ingress: own namespace, and one or two apps picked by label from every namespace (or the front tier).
    policy('from-own', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] });
    const picked = [APPS[rand(APPS.length)], APPS[rand(APPS.length)]];
    policy('from-any-team', {
      podSelector: { matchLabels: { app: APPS[rand(APPS.length)] } },
      ingress: [
        { from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: picked }] } }], ports: [{ port: 'http' }] },
        ...(rand(2) === 0 ? [{ from: [{ namespaceSelector: { matchLabels: { tier: 'front' } } }], ports: [{ port: 8080 + rand(2), protocol: 'TCP' as const }] }] : []),
      ],
    });
    // Sometimes a rule admitting every pod of every namespace (an entry of all classes).
    if (rand(4) === 0) policy('from-everyone', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] });
    if (ingressOnly) return;
    if (rand(8) < shape.egressAllEighths) policy('egress-all', { podSelector: {}, egress: [{}] });
    else {
      // Narrow egress: own namespace, sometimes a label across namespaces (a wide egress signature).
      policy('egress-own', { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] });
      if (rand(3) === 0) policy('egress-wide', { podSelector: { matchLabels: { app: APPS[rand(APPS.length)] } }, egress: [{ to: [{ namespaceSelector: { matchLabels: { tier: 'back' } } }] }] });
      // Most classes but not all: an egress signature too wide for the index, tested as a bitset.
      if (rand(4) === 0) policy('egress-most', { podSelector: { matchLabels: { app: 'worker' } }, egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['cache'] }] } }] }] });
      if (rand(3) === 0) policy('egress-to-app', { podSelector: {}, egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: picked[0] } } }], ports: [{ port: 8080 }] }] });
    }
  });
  // One namespace of many apps under one egress policy: a signature with more members than the
  // class bitset has words, met with its destinations' ingress through its own bitset.
  const big = 'platform';
  namespaces.push({ name: big, labels: { tier: 'back' } });
  for (let k = 0; k < 40; k++) pods.push({ namespace: big, name: `svc-${k}`, labels: { app: `svc-${k}`, role: 'platform' }, ip: `10.250.0.${k + 1}`, ports: [{ name: 'http', port: 8080 + (k % 3) }], workload: { kind: 'Deployment', name: `svc-${k}` } });
  const bigPolicy = (name: string, spec: NetworkPolicy['spec']): void => void policies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: big }, spec });
  bigPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  bigPolicy('from-anyone', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 'http' }] }] });
  bigPolicy('egress-out', { podSelector: {}, egress: [{ to: [{ podSelector: {} }, { namespaceSelector: {}, podSelector: { matchLabels: { app: APPS[rand(APPS.length)] } } }] }] });
  // And sources in every team picked by that namespace's label, so team destinations admit many platform classes.
  for (const ns of namespaces.slice(0, 5)) {
    if (ns.name === big) continue;
    policies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'from-platform', namespace: ns.name }, spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': big } }, podSelector: { matchLabels: { role: 'platform' } } }], ports: [{ port: 'http' }] }] } });
  }
  return { inventory: { namespaces, pods }, policies };
}

const shapeArbitrary: fc.Arbitrary<Shape> = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  namespaces: fc.integer({ min: 100, max: 130 }),
  openEvery: fc.integer({ min: 2, max: 7 }),
  ingressOnlyEvery: fc.integer({ min: 3, max: 9 }),
  egressAllEighths: fc.integer({ min: 0, max: 4 }),
});

const lines = (flows: Iterable<Flow>): string[] => [...flows].map((f) => formatFlow(f));

describe('connectivity past the index thresholds (open clusters of some hundred workloads)', () => {
  it('lists the flows a computation scoped to every workload lists, and the per-pair evaluation agrees', () => {
    fc.assert(fc.property(shapeArbitrary, fc.integer({ min: 0, max: 2 ** 31 - 1 }), agreesOnShape), { numRuns: 12 });
  });

  it('agrees too when one team namespace alone has no policy (its few classes asked destination by destination, not by the source-by-source pass)', () => {
    fc.assert(fc.property(shapeArbitrary, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (shape, sampleSeed) => agreesOnShape({ ...shape, openEvery: shape.namespaces - 1 }, sampleSeed)), { numRuns: 4 });
  });
});

/** The full listing, the scoped one, the reach summary and a sample through the reference evaluator agree on a cluster of `shape`. */
function agreesOnShape(shape: Shape, sampleSeed: number): void {
  const { inventory, policies } = denseCluster(shape);
  const analysis = createAnalysis({ inventory, policies });
  const flows = analysis.connectivity();
  // The scoped computation walks each destination's admitted sources and each source's egress: no egress index.
  const scoped = lines(createAnalysis({ inventory, policies }).flows({ namespaces: inventory.namespaces.map((n) => n.name) }));
  expect(lines(flows)).toEqual(scoped);
  // Reach from other namespaces, asked of a fresh analysis (its own early-exit walk, no listed pairs).
  const reachedFromOther = new Set(flows.filter((f) => f.from.kind === 'workload' && f.to.kind === 'workload' && f.from.namespace !== f.to.namespace).map((f) => formatFlow({ ...f, from: f.to, ports: [] })));
  const summary = createAnalysis({ inventory, policies }).workloadReach();
  expect(summary.filter((r) => r.reachedFromOtherNamespaces).map((r) => formatFlow({ from: r.workload, to: r.workload, ports: [] })).sort()).toEqual([...reachedFromOther].sort());
  // A sample of pod pairs on the named port, through the reference evaluator.
  const reference = new ReferenceEvaluator(inventory, policies, { ipBlockMatchesPodIps: true });
  const listed = new Set(flows.filter((f) => f.to.kind === 'workload' && f.ports.some((p) => p.protocol === 'TCP' && p.ranges.some(([lo, hi]) => lo <= 8080 && 8080 <= hi))).map((f) => `${formatFlow({ ...f, ports: [] })}`));
  let s = sampleSeed || 1;
  for (let k = 0; k < 200; k++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const p = inventory.pods[s % inventory.pods.length];
    const q = inventory.pods[(s >>> 8) % inventory.pods.length];
    if (p === q) continue;
    const key = (pod: InventoryPod) => ({ kind: 'workload' as const, namespace: pod.namespace, workloadKind: 'Deployment', name: pod.workload?.name ?? pod.name });
    const text = formatFlow({ from: key(p), to: key(q), ports: [] });
    expect({ pair: text, listed: listed.has(text) }).toEqual({ pair: text, listed: reference.allowed({ pod: p }, { pod: q }, 'TCP', 8080) });
  }
}
