import fc from 'fast-check';

import type { NetworkPolicy } from '../../manifest';
import { type AggregatedFlow, createAnalysis, type Flow, type FlowListing, formatFlow, type Inventory, type WorkloadEndpoint } from '../index';
import { PairRows } from '../flow-iteration.util';
import { PairTable } from '../pair-table.util';
import { PortSetTable } from '../port-set.util';
import { inventoryArbitrary, policiesArbitrary } from './reference/cluster.arbitrary';

const clusterArbitrary = fc.record({ inventory: inventoryArbitrary(7, true), policies: policiesArbitrary(4), ipBlockMatchesPodIps: fc.boolean() });
/** Larger namespaces, where whole-namespace sources and destinations of single workloads are common. */
const widerClusterArbitrary = fc.record({ inventory: inventoryArbitrary(14, true), policies: policiesArbitrary(3), ipBlockMatchesPodIps: fc.boolean() });

/** Workloads of an inventory with their pod counts. */
function workloadsOf(inventory: Inventory): { endpoint: WorkloadEndpoint; pods: number }[] {
  const byKey = new Map<string, { endpoint: WorkloadEndpoint; pods: number }>();
  for (const pod of inventory.pods) {
    const endpoint: WorkloadEndpoint = { kind: 'workload', namespace: pod.namespace, workloadKind: pod.workload?.kind ?? 'Pod', name: pod.workload?.name ?? pod.name };
    const key = formatFlow({ from: endpoint, to: endpoint, ports: [] });
    const entry = byKey.get(key) ?? { endpoint, pods: 0 };
    entry.pods++;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/**
 * Aggregated flows as the workload flows they stand for: a namespace end is every workload of the
 * namespace; a workload reaches itself only when it has two pods or more.
 */
function expand(flows: Iterable<AggregatedFlow>, inventory: Inventory): Flow[] {
  const workloads = workloadsOf(inventory);
  const side = (e: AggregatedFlow['from']) =>
    e.kind === 'namespace' ? workloads.filter((w) => w.endpoint.namespace === e.namespace) : [workloads.find((w) => e.kind === 'workload' && formatFlow({ from: w.endpoint, to: w.endpoint, ports: [] }) === formatFlow({ from: e, to: e, ports: [] }))];
  const out: Flow[] = [];
  for (const flow of flows) {
    if (flow.from.kind !== 'namespace' && flow.to.kind !== 'namespace') {
      out.push(flow as Flow);
      continue;
    }
    for (const s of side(flow.from)) {
      for (const d of side(flow.to)) {
        expect(s && d).toBeTruthy();
        if (s !== d || (s?.pods ?? 0) > 1) out.push({ from: s!.endpoint, to: d!.endpoint, ports: flow.ports });
      }
    }
  }
  return out;
}

const sortedLines = (flows: readonly Flow[]): string[] => flows.map(formatFlow).sort();
const touches = (flow: Flow, test: (e: WorkloadEndpoint) => boolean): boolean =>
  (flow.from.kind === 'workload' && test(flow.from)) || (flow.to.kind === 'workload' && test(flow.to));

/** The workload→workload flows of a listing, as text lines, in listing order. */
const workloadLines = (list: readonly (Flow | AggregatedFlow)[]): string[] =>
  list.filter((f) => f.from.kind === 'workload' && f.to.kind === 'workload').map((f) => formatFlow(f as Flow));

describe('flows, aggregatedFlows and workloadReach', () => {
  it('list the flows the full computation lists, in the same order (random small clusters)', () => {
    fc.assert(
      fc.property(clusterArbitrary, ({ inventory, policies, ipBlockMatchesPodIps }) => {
        const options = { ipBlockMatchesPodIps };
        // A diff against another inventory object computes the full data; connectivity() then lists from it.
        const full = createAnalysis({ inventory, policies, options });
        full.diff(createAnalysis({ inventory: structuredClone(inventory), policies, options }));
        const compact = createAnalysis({ inventory, policies, options });
        expect([...compact.flows()]).toEqual(full.connectivity());
        expect(compact.connectivity()).toEqual(full.connectivity());
      }),
      { numRuns: 300 },
    );
  });

  it('flow listings hand the same flows by keys, in the same order, one key per endpoint and port object', () => {
    fc.assert(
      fc.property(fc.oneof(clusterArbitrary, widerClusterArbitrary), fc.nat(), ({ inventory, policies, ipBlockMatchesPodIps }, pick) => {
        const analysis = createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps } });
        const namespace = analysis.namespaces[pick % Math.max(1, analysis.namespaces.length)];
        const cases: [string, () => FlowListing, () => Iterable<AggregatedFlow>][] = [
          ['flows', () => analysis.flowListing(), () => analysis.flows()],
          ['aggregated', () => analysis.aggregatedFlowListing(), () => analysis.aggregatedFlows()],
          ['either end', () => analysis.aggregatedFlowListing(undefined, { eitherEnd: true }), () => analysis.aggregatedFlows(undefined, { eitherEnd: true })],
        ];
        if (namespace !== undefined) cases.push(['namespace', () => analysis.aggregatedFlowListing({ namespaces: [namespace] }), () => analysis.aggregatedFlows({ namespaces: [namespace] })]);
        for (const [, listing, objects] of cases) {
          const rows = listing();
          const byKey: AggregatedFlow[] = [];
          const keysOf = new Map<object, number>();
          const sameKey = (value: object, key: number) => {
            expect(keysOf.get(value) ?? key).toBe(key);
            keysOf.set(value, key);
          };
          rows.forEach((from, to, ports) => {
            const flow = { from: rows.table.endpoint(from), to: rows.table.endpoint(to), ports: rows.table.ports(ports) };
            sameKey(flow.from, from);
            sameKey(flow.to, to);
            byKey.push(flow);
          });
          expect(byKey).toEqual([...objects()]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('aggregate exactly: expanding the namespace flows gives the per-workload flows (pairs only, and either end)', () => {
    let namespaceFlows = 0;
    let mixedFlows = 0;
    fc.assert(
      fc.property(fc.oneof(clusterArbitrary, widerClusterArbitrary), ({ inventory, policies, ipBlockMatchesPodIps }) => {
        const analysis = createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps } });
        const flows = [...analysis.flows()];
        const external = (list: readonly Flow[]) => list.filter((f) => f.from.kind === 'cidr' || f.to.kind === 'cidr');
        const pairsOnly = [...analysis.aggregatedFlows()];
        const eitherEnd = [...analysis.aggregatedFlows(undefined, { eitherEnd: true })];
        // By default a namespace is at both ends or at neither.
        expect(pairsOnly.every((f) => (f.from.kind === 'namespace') === (f.to.kind === 'namespace'))).toBe(true);
        namespaceFlows += pairsOnly.filter((f) => f.from.kind === 'namespace').length;
        mixedFlows += eitherEnd.filter((f) => (f.from.kind === 'namespace') !== (f.to.kind === 'namespace')).length;
        // Namespace pairs are folded alike; either end only folds more of the rest.
        expect(eitherEnd.filter((f) => f.from.kind === 'namespace' && f.to.kind === 'namespace')).toEqual(pairsOnly.filter((f) => f.from.kind === 'namespace'));
        // Workload lines that no namespace line covers keep the per-workload order.
        const kept = new Set(workloadLines(pairsOnly));
        expect(workloadLines(pairsOnly)).toEqual(workloadLines(flows).filter((line) => kept.has(line)));
        for (const aggregated of [pairsOnly, eitherEnd]) {
          const expanded = expand(aggregated, inventory);
          expect(sortedLines(expanded)).toEqual(sortedLines(flows));
          // External flows keep their place and order at the end.
          expect(external(expanded)).toEqual(external(flows));
        }
      }),
      { numRuns: 300 },
    );
    expect(namespaceFlows).toBeGreaterThan(50);
    expect(mixedFlows).toBeGreaterThan(5);
  });

  it('an aggregated listing walked twice hands the same flows both times', () => {
    fc.assert(
      fc.property(widerClusterArbitrary, ({ inventory, policies, ipBlockMatchesPodIps }) => {
        const analysis = createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps } });
        for (const eitherEnd of [false, true]) {
          const listing = analysis.aggregatedFlowListing(undefined, { eitherEnd });
          const walk = (): number[] => {
            const keys: number[] = [];
            listing.forEach((from, to, ports) => void keys.push(from, to, ports));
            return keys;
          };
          const first = walk();
          expect(walk()).toEqual(first);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('restrict to the flows touching a namespace or a workload, in the same order', () => {
    fc.assert(
      fc.property(clusterArbitrary, fc.constantFrom('n1', 'n2', 'n3'), fc.constantFrom('w1', 'w2', 'p0', 'p1'), ({ inventory, policies, ipBlockMatchesPodIps }, namespace, name) => {
        const analysis = createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps } });
        const all = [...analysis.flows()];
        const inNamespace = (e: WorkloadEndpoint) => e.namespace === namespace;
        const named = (e: WorkloadEndpoint) => `${e.namespace}/${e.name}` === `${namespace}/${name}`;
        expect([...analysis.flows({ namespaces: [namespace] })]).toEqual(all.filter((f) => touches(f, inNamespace)));
        expect([...analysis.flows({ workloads: [`${namespace}/${name}`] })]).toEqual(all.filter((f) => touches(f, named)));
        const otherNamespace = namespace === 'n1' ? 'n2' : 'n1';
        expect([...analysis.flows({ workloads: [`${namespace}/${name}`], namespaces: [otherNamespace] })]).toEqual(
          all.filter((f) => touches(f, named) && touches(f, (e) => e.namespace === otherNamespace)),
        );
        const folded = [...analysis.aggregatedFlows({ namespaces: [namespace] })];
        const aggregated = expand(folded, inventory);
        expect(sortedLines(aggregated)).toEqual(sortedLines(all.filter((f) => touches(f, inNamespace))));
        const kept = new Set(workloadLines(folded));
        expect(workloadLines(folded)).toEqual(workloadLines(all).filter((line) => kept.has(line)));
        const eitherEnd = expand(analysis.aggregatedFlows({ namespaces: [namespace] }, { eitherEnd: true }), inventory);
        expect(sortedLines(eitherEnd)).toEqual(sortedLines(all.filter((f) => touches(f, inNamespace))));
      }),
      { numRuns: 200 },
    );
  });

  it('say which workloads other namespaces reach and list their external flows', () => {
    fc.assert(
      fc.property(clusterArbitrary, ({ inventory, policies, ipBlockMatchesPodIps }) => {
        const analysis = createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps } });
        // Asked first, reach stops at each class's first source from another namespace; asked after
        // connectivity(), it reads the listed pairs. Both must agree with the flows.
        const early = analysis.workloadReach();
        const flows = analysis.connectivity();
        expect(analysis.workloadReach()).toEqual(early);
        for (const reach of early) {
          const w = formatFlow({ from: reach.workload, to: reach.workload, ports: [] });
          const same = (e: Flow['from']) => e.kind === 'workload' && formatFlow({ from: e, to: e, ports: [] }) === w;
          const inbound = flows.filter((f) => same(f.to));
          expect(reach.reachedFromOtherNamespaces).toBe(inbound.some((f) => f.from.kind === 'workload' && f.from.namespace !== reach.workload.namespace));
          expect(reach.inboundExternal).toEqual(inbound.filter((f) => f.from.kind === 'cidr'));
          expect(reach.outboundExternal).toEqual(flows.filter((f) => same(f.from) && f.to.kind === 'cidr'));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('isolation: a namespace without policies is open both ways, a default deny isolates both', () => {
    const inventory: Inventory = {
      namespaces: [{ name: 'open' }, { name: 'closed' }],
      pods: [
        { namespace: 'open', name: 'a-0', workload: { kind: 'Deployment', name: 'a' } },
        { namespace: 'open', name: 'a-1', workload: { kind: 'Deployment', name: 'a' } },
        { namespace: 'open', name: 'b-0', workload: { kind: 'Deployment', name: 'b' } },
        { namespace: 'closed', name: 'c-0', workload: { kind: 'Deployment', name: 'c' } },
      ],
    };
    const deny = { apiVersion: 'networking.k8s.io/v1' as const, kind: 'NetworkPolicy' as const, metadata: { namespace: 'closed', name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] as ('Ingress' | 'Egress')[] } };
    const analysis = createAnalysis({ inventory, policies: [deny] });
    expect(analysis.workloadReach().map((r) => [r.workload.name, r.ingressIsolated, r.egressIsolated, r.reachedFromOtherNamespaces])).toEqual([
      ['c', true, true, false],
      ['a', false, false, false],
      ['b', false, false, false],
    ]);
    // open/a has two pods: it reaches itself; open/b has one: it does not.
    expect([...analysis.aggregatedFlows()].filter((f) => f.to.kind !== 'cidr' && f.from.kind !== 'cidr').map((f) => formatFlow(f as Flow))).toEqual(['open/* => open/* : All']);
  });

  it('folds a namespace whose one workload reaches itself through a listed pair the open product leaves out', () => {
    // Pod s-0 is isolated by no policy, s-1 both ways: the product gives s-0 nothing but itself,
    // which one pod does not reach; policies let s-0 and s-1 reach each other on TCP 80.
    const inventory: Inventory = {
      namespaces: [{ name: 'db' }],
      pods: [
        { namespace: 'db', name: 's-0', labels: { role: 'primary' }, workload: { kind: 'StatefulSet', name: 's' } },
        { namespace: 'db', name: 's-1', labels: { role: 'replica' }, workload: { kind: 'StatefulSet', name: 's' } },
      ],
    };
    const replica = {
      apiVersion: 'networking.k8s.io/v1' as const,
      kind: 'NetworkPolicy' as const,
      metadata: { namespace: 'db', name: 'replica' },
      spec: {
        podSelector: { matchLabels: { role: 'replica' } },
        policyTypes: ['Ingress', 'Egress'] as ('Ingress' | 'Egress')[],
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'primary' } } }], ports: [{ port: 80 }] }],
        egress: [{ to: [{ podSelector: { matchLabels: { role: 'primary' } } }], ports: [{ port: 80 }] }],
      },
    };
    const analysis = createAnalysis({ inventory, policies: [replica] });
    const internal = (flows: Iterable<AggregatedFlow>) => [...flows].filter((f) => f.to.kind !== 'cidr' && f.from.kind !== 'cidr').map((f) => formatFlow(f as Flow));
    expect(internal(analysis.flows())).toEqual(['db/s[StatefulSet] => db/s[StatefulSet] : TCP 80']);
    expect(internal(analysis.aggregatedFlows())).toEqual(['db/* => db/* : TCP 80']);
  });

  it('list the namespace lines of a source namespace in namespace order, among few namespaces or many', () => {
    // ns-00 and ns-05 have no policy (the open product joins them); ns-30 is isolated and admits ns-00 on TCP 80
    // (a listed pair). ns-00 meets ns-30 through its listed pairs before ns-05 through the product.
    const lines = (few: boolean): string[] => {
      const names = Array.from({ length: 40 }, (_, i) => `ns-${String(i).padStart(2, '0')}`).filter((n) => !few || ['ns-00', 'ns-05', 'ns-30'].includes(n));
      const inventory: Inventory = {
        namespaces: names.map((name) => ({ name })),
        pods: names.map((namespace) => ({ namespace, name: 'app-0', labels: { app: 'app' }, workload: { kind: 'Deployment', name: 'app' } })),
      };
      const policy = (namespace: string, name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1' as const, kind: 'NetworkPolicy' as const, metadata: { namespace, name }, spec });
      const policies = [
        ...names.filter((n) => n !== 'ns-00' && n !== 'ns-05').map((n) => policy(n, 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })),
        policy('ns-30', 'from-ns-00', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ns-00' } } }], ports: [{ port: 80 }] }] }),
      ] as NetworkPolicy[];
      const analysis = createAnalysis({ inventory, policies });
      return [...analysis.aggregatedFlows()].filter((f) => f.from.kind !== 'cidr' && f.to.kind !== 'cidr').map((f) => formatFlow(f as Flow));
    };
    const expected = ['ns-00/* => ns-05/* : All', 'ns-00/* => ns-30/* : TCP 80', 'ns-05/* => ns-00/* : All'];
    // 3 namespaces (one word of the tally's bitset) and 40 (two words, ns-30 in the second).
    expect(lines(true)).toEqual(expected);
    expect(lines(false)).toEqual(expected);
  });

  it('with eitherEnd, aggregate a whole namespace at one end: ns/* => workload and workload => ns/*', () => {
    const pod = (namespace: string, name: string, workload: string, app: string) => ({ namespace, name, labels: { app }, workload: { kind: 'Deployment', name: workload } });
    const inventory: Inventory = {
      namespaces: [{ name: 'back' }, { name: 'front' }, { name: 'ops' }],
      pods: [
        pod('back', 'db-0', 'db', 'db'),
        pod('back', 'cache-0', 'cache', 'cache'),
        pod('front', 'web-0', 'web', 'web'),
        pod('front', 'web-1', 'web', 'web'),
        pod('front', 'api-0', 'api', 'api'),
        pod('front', 'api-1', 'api', 'api'),
        pod('ops', 'mon-0', 'mon', 'mon'),
        pod('ops', 'job-0', 'job', 'job'),
      ],
    };
    const policy = (name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1' as const, kind: 'NetworkPolicy' as const, metadata: { namespace: 'back', name }, spec });
    const policies = [
      // back: ingress only from every pod of front to db on 5432, and from app=mon anywhere to every pod on 9100.
      policy('db-from-front', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } } }], ports: [{ port: 5432 }] }] }),
      policy('metrics', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'mon' } } }], ports: [{ port: 9100 }] }] }),
    ] as NetworkPolicy[];
    const analysis = createAnalysis({ inventory, policies });
    const internal = (flows: Iterable<AggregatedFlow>) => [...flows].filter((f) => f.to.kind !== 'cidr' && f.from.kind !== 'cidr');
    // Pairs only (the default): the one-sided cases stay workload lines.
    expect(internal(analysis.aggregatedFlows()).map((f) => formatFlow(f))).toEqual([
      'back/* => front/* : All',
      'back/* => ops/* : All',
      'front/* => front/* : All',
      'front/* => ops/* : All',
      'front/api[Deployment] => back/db[Deployment] : TCP 5432',
      'front/web[Deployment] => back/db[Deployment] : TCP 5432',
      'ops/* => front/* : All',
      'ops/* => ops/* : All',
      'ops/mon[Deployment] => back/cache[Deployment] : TCP 9100',
      'ops/mon[Deployment] => back/db[Deployment] : TCP 9100',
    ]);
    const aggregated = internal(analysis.aggregatedFlows(undefined, { eitherEnd: true }));
    expect(aggregated.map((f) => formatFlow(f))).toEqual([
      'back/* => front/* : All',
      'back/* => ops/* : All',
      'front/* => front/* : All',
      'front/* => ops/* : All',
      'front/* => back/db[Deployment] : TCP 5432',
      'ops/* => front/* : All',
      'ops/* => ops/* : All',
      'ops/mon[Deployment] => back/* : TCP 9100',
    ]);
    expect(sortedLines(expand(aggregated, inventory))).toEqual(sortedLines([...analysis.flows()].filter((f) => f.to.kind !== 'cidr' && f.from.kind !== 'cidr')));
    // One endpoint object per namespace, as per workload: writers render each object once.
    const front = aggregated.filter((f) => f.from.kind === 'namespace' && f.from.namespace === 'front').map((f) => f.from);
    const toFront = aggregated.filter((f) => f.to.kind === 'namespace' && f.to.namespace === 'front').map((f) => f.to);
    expect(front).toHaveLength(3);
    expect(new Set([...front, ...toFront]).size).toBe(1);
  });
});

describe(PairRows.name, () => {
  it('merge the open product into open rows, leaving out the namespaces flagged once the product is restricted', () => {
    // Workloads 0 and 1 in namespace 0, 2 and 3 in namespace 1; every workload open to ingress, 0 open to egress
    // with one pod (not to itself); a listed pair 0 → 3 on port set 5 (the product covers it: every port).
    const pairs = new PairTable(4, Int32Array.from([0, 1, 1, 1, 1]), Int32Array.from([3]), Int32Array.from([5]));
    const open = { openOut: Uint8Array.from([1, 0, 0, 0]), openIn: Uint8Array.from([1, 1, 1, 1]), openInIds: Int32Array.from([0, 1, 2, 3]), selfOpen: new Uint8Array(4) };
    const data = { workloadCount: 4, pairs, ingressExternal: new Map(), egressExternal: new Map(), open };
    const namespaces = new Uint8Array(2);
    const skip = { namespaces, nsOf: Int32Array.from([0, 0, 1, 1]), nsStart: Int32Array.from([0, 2, 4]), productStart: Int32Array.from([0, 2, 4]), productNamespaces: Int32Array.from([0, 1]) };
    const sut = new PairRows(data, skip);
    const row = (ws: number): number[][] => {
      const n = sut.row(ws);
      return Array.from({ length: n }, (_, i) => [sut.dest[i], sut.ports[i]]);
    };
    const all = PortSetTable.ALL;
    expect(row(0)).toEqual([[1, all], [2, all], [3, all]]);
    expect(row(1)).toEqual([]);
    namespaces[1] = 1;
    sut.restrictProduct(new Int32Array(4));
    expect(row(0)).toEqual([[1, all]]);
    namespaces[1] = 0;
    namespaces[0] = 1;
    sut.restrictProduct(new Int32Array(4));
    expect(row(0)).toEqual([[2, all], [3, all]]);
  });
});
