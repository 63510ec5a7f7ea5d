import fc from 'fast-check';
import type { NetworkPolicy } from '../../manifest';
import { createAnalysis, type Flow, type Inventory, type InventoryPod, type Protocol } from '../index';
import { EXTERNAL_IPS, inventoryArbitrary, policiesArbitrary, policyArbitrary, PORTS, PROTOCOLS, uniformInventoryArbitrary, ipBlockPolicyArbitrary } from './reference/cluster.arbitrary';
import { cidrContains, ReferenceEvaluator } from './reference/reference-evaluator';

interface Probe {
  ports: number[];
  ips: string[];
}

const probeArbitrary: fc.Arbitrary<Probe> = fc.record({
  ports: fc.subarray(PORTS, { minLength: 2, maxLength: 4 }),
  ips: fc.subarray(EXTERNAL_IPS, { minLength: 1, maxLength: 3 }),
});

const podRef = (p: InventoryPod) => `${p.namespace}/${p.name}`;
const workloadRef = (p: InventoryPod) => `${p.namespace}/${p.workload?.kind ?? 'Pod'}/${p.workload?.name ?? p.name}`;

/** Reference truth over the probe universe: pod pairs (not a pod to itself) and pod↔address, per workload. */
function referenceTuples(inventory: Inventory, policies: NetworkPolicy[], ipBlockMatchesPodIps: boolean, probe: Probe): Set<string> {
  const ref = new ReferenceEvaluator(inventory, policies, { ipBlockMatchesPodIps });
  const out = new Set<string>();
  for (const protocol of PROTOCOLS) {
    for (const port of probe.ports) {
      for (const p of inventory.pods) {
        for (const q of inventory.pods) {
          if (p !== q && ref.allowed({ pod: p }, { pod: q }, protocol, port)) out.add(`${workloadRef(p)} ${workloadRef(q)} ${protocol} ${port}`);
        }
        for (const ip of probe.ips) {
          if (ref.allowed({ pod: p }, { ip }, protocol, port)) out.add(`${workloadRef(p)} ${ip} ${protocol} ${port}`);
          if (ref.allowed({ ip }, { pod: p }, protocol, port)) out.add(`${ip} ${workloadRef(p)} ${protocol} ${port}`);
        }
      }
    }
  }
  return out;
}

/** The same universe read back from engine flows. */
function flowTuples(flows: readonly Flow[], probe: Probe): Set<string> {
  const out = new Set<string>();
  const members = (e: Flow['from']): string[] =>
    e.kind === 'workload'
      ? [`${e.namespace}/${e.workloadKind}/${e.name}`]
      : probe.ips.filter((ip) => cidrContains(e.cidr, ip) && !(e.except ?? []).some((x) => cidrContains(x, ip)));
  for (const flow of flows) {
    for (const from of members(flow.from)) {
      for (const to of members(flow.to)) {
        for (const { protocol, ranges } of flow.ports) {
          for (const port of probe.ports) if (ranges.some(([lo, hi]) => lo <= port && port <= hi)) out.add(`${from} ${to} ${protocol} ${port}`);
        }
      }
    }
  }
  return out;
}

function expectSameTuples(actual: Set<string>, expected: Set<string>): void {
  const missing = [...expected].filter((t) => !actual.has(t));
  const extra = [...actual].filter((t) => !expected.has(t));
  expect({ missing: missing.slice(0, 10), extra: extra.slice(0, 10) }).toEqual({ missing: [], extra: [] });
}

function subtract(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((t) => !b.has(t)));
}

describe('engine vs reference evaluator (random small clusters)', () => {
  it('agrees on reach, explain and per-pod connectivity', () => {
    fc.assert(
      fc.property(inventoryArbitrary(5, false), policiesArbitrary(4), fc.boolean(), probeArbitrary, (inventory, policies, ipBlockMatchesPodIps, probe) => {
        const analysis = createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps } });
        const ref = new ReferenceEvaluator(inventory, policies, { ipBlockMatchesPodIps });
        const endpoints = [...inventory.pods.map(podRef), probe.ips[0]];
        const queries = endpoints.flatMap((from) =>
          endpoints.flatMap((to) => PROTOCOLS.flatMap((protocol) => probe.ports.slice(0, 2).map((port) => ({ from, to, port, protocol })))),
        );
        const results = analysis.reach(queries);
        results.forEach((r, i) => {
          const expected = ref.allowedText(r.from, r.to, r.protocol as Protocol, r.port);
          if (r.allowed !== expected) expect({ query: queries[i], allowed: r.allowed }).toEqual({ query: queries[i], allowed: expected });
        });
        const q = queries[queries.length >> 1];
        expect(analysis.explain(q).allowed).toBe(ref.allowedText(q.from, q.to, q.protocol, q.port));
        expectSameTuples(flowTuples(analysis.connectivity(), probe), referenceTuples(inventory, policies, ipBlockMatchesPodIps, probe));
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on connectivity aggregated per workload', () => {
    fc.assert(
      fc.property(inventoryArbitrary(6, true), policiesArbitrary(4), fc.boolean(), probeArbitrary, (inventory, policies, ipBlockMatchesPodIps, probe) => {
        const analysis = createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps } });
        expectSameTuples(flowTuples(analysis.connectivity(), probe), referenceTuples(inventory, policies, ipBlockMatchesPodIps, probe));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees when pods differ only by IP (classes cut by ipBlock boundaries)', () => {
    fc.assert(
      fc.property(uniformInventoryArbitrary(5), policiesArbitrary(3, ['n1']), probeArbitrary, (inventory, policies, probe) => {
        const analysis = createAnalysis({ inventory, policies });
        expectSameTuples(flowTuples(analysis.connectivity(), probe), referenceTuples(inventory, policies, true, probe));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees after adding a policy whose ipBlocks cut existing classes (incremental path)', () => {
    fc.assert(
      fc.property(uniformInventoryArbitrary(5), policiesArbitrary(2, ['n1']), ipBlockPolicyArbitrary('added'), probeArbitrary, (inventory, before, added, probe) => {
        const base = createAnalysis({ inventory, policies: before });
        const next = base.withPolicyChanges({ upsert: [added] });
        const expectedBefore = referenceTuples(inventory, before, true, probe);
        const expectedAfter = referenceTuples(inventory, [...before, added], true, probe);
        expectSameTuples(flowTuples(next.connectivity(), probe), expectedAfter);
        expectSameTuples(flowTuples(base.diff(next).added, probe), subtract(expectedAfter, expectedBefore));
        expectSameTuples(flowTuples(base.diff(next).removed, probe), subtract(expectedBefore, expectedAfter));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on diffs, incremental (withPolicyChanges) and full', () => {
    const change = fc.record({
      policies: policiesArbitrary(4),
      replacement: fc.option(policyArbitrary('p0'), { nil: undefined }),
      added: fc.option(policyArbitrary('extra'), { nil: undefined }),
      deleteFirst: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.oneof(inventoryArbitrary(5, true), uniformInventoryArbitrary(5)), change, fc.boolean(), probeArbitrary, (inventory, c, ipBlockMatchesPodIps, probe) => {
        const before = c.policies;
        let after = before.filter((p, i) => !(i === 0 && c.deleteFirst));
        if (c.replacement) after = [...after.filter((p) => p.metadata.name !== 'p0' || p.metadata.namespace !== c.replacement?.metadata.namespace), c.replacement];
        if (c.added) after = [...after, c.added];
        const options = { ipBlockMatchesPodIps };
        const expectedBefore = referenceTuples(inventory, before, ipBlockMatchesPodIps, probe);
        const expectedAfter = referenceTuples(inventory, after, ipBlockMatchesPodIps, probe);
        const base = createAnalysis({ inventory, policies: before, options });
        const key = (p: NetworkPolicy) => `${p.metadata.namespace}/${p.metadata.name}`;
        const afterKeys = new Set(after.map(key));
        const incremental = base.withPolicyChanges({
          upsert: after.filter((p) => !before.includes(p)),
          delete: before.filter((p) => !afterKeys.has(key(p))).map((p) => p.metadata),
        });
        const full = createAnalysis({ inventory: { ...inventory }, policies: after, options });
        const forwardIncremental = base.diff(incremental);
        expectSameTuples(flowTuples(forwardIncremental.added, probe), subtract(expectedAfter, expectedBefore));
        expectSameTuples(flowTuples(forwardIncremental.removed, probe), subtract(expectedBefore, expectedAfter));
        const forwardFull = base.diff(full);
        expectSameTuples(flowTuples(forwardFull.added, probe), subtract(expectedAfter, expectedBefore));
        expectSameTuples(flowTuples(forwardFull.removed, probe), subtract(expectedBefore, expectedAfter));
        // Reach on the derived analysis (its namespace index is derived from the base's).
        const pairQueries = inventory.pods.flatMap((p) => inventory.pods.map((q) => ({ from: podRef(p), to: podRef(q), port: probe.ports[0], protocol: 'TCP' as const })));
        base.reach(pairQueries);
        const refAfter = new ReferenceEvaluator(inventory, after, { ipBlockMatchesPodIps });
        for (const r of incremental.reach(pairQueries)) expect({ ...r, allowed: refAfter.allowedText(r.from, r.to, 'TCP', r.port) }).toEqual(r);
        const backward = incremental.diff(base);
        expectSameTuples(flowTuples(backward.added, probe), subtract(expectedBefore, expectedAfter));
        expectSameTuples(flowTuples(incremental.connectivity(), probe), expectedAfter);
      }),
      { numRuns: 300 },
    );
  });
});
