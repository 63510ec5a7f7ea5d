import fc from 'fast-check';

import type { NetworkPolicy, NetworkPolicySpec } from '../../manifest';
import { createAnalysis, diffConnectivity, formatFlow, type Inventory } from '../index';

const inventory: Inventory = {
  namespaces: [{ name: 'prod', labels: { env: 'prod' } }],
  pods: [
    { namespace: 'prod', name: 'frontend-1', labels: { app: 'frontend' }, ip: '10.1.0.1', ports: [], workload: { kind: 'Deployment', name: 'frontend' } },
    { namespace: 'prod', name: 'frontend-2', labels: { app: 'frontend' }, ip: '10.1.0.2', ports: [], workload: { kind: 'Deployment', name: 'frontend' } },
    { namespace: 'prod', name: 'api-1', labels: { app: 'api' }, ip: '10.1.0.3', ports: [{ name: 'http', port: 8080 }], workload: { kind: 'Deployment', name: 'api' } },
    { namespace: 'prod', name: 'api-2', labels: { app: 'api' }, ip: '10.1.0.4', ports: [{ name: 'http', port: 8080 }], workload: { kind: 'Deployment', name: 'api' } },
  ],
};

const np = (name: string, spec: NetworkPolicySpec): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: 'prod', name },
  spec,
});

const denyAll = np('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const api = { matchLabels: { app: 'api' } };
const frontend = { matchLabels: { app: 'frontend' } };
const allowApi = (ports: NetworkPolicySpec['ingress']) => np('allow-api', { podSelector: api, ingress: ports });
const frontendEgress = np('frontend-egress', { podSelector: frontend, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: api }] }] });
const everyPort = (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ protocol, port: 1, endPort: 65535 }));

type Row = [reason: string, before: NetworkPolicy[], after: NetworkPolicy[]];

const equivalent: Row[] = [
  ['a named port vs its number on every selected pod', [denyAll, frontendEgress, allowApi([{ ports: [{ port: 'http' }] }])], [denyAll, frontendEgress, allowApi([{ ports: [{ port: 8080 }] }])]],
  ['endPort 1-65535 on every protocol vs a rule without ports', [denyAll, frontendEgress, allowApi([{ ports: everyPort }])], [denyAll, frontendEgress, allowApi([{}])]],
  ['a policy that selects no pod', [denyAll, frontendEgress], [denyAll, frontendEgress, np('nothing', { podSelector: { matchLabels: { app: 'ghost' } }, ingress: [] })]],
  ['from: [] vs a missing from', [denyAll, allowApi([{ from: [] }])], [denyAll, allowApi([{}])]],
  ['policyTypes spelled out vs defaulted', [np('x', { podSelector: api, ingress: [{}] })], [np('x', { podSelector: api, policyTypes: ['Ingress'], ingress: [{}] })]],
  ['a CIDR with host bits vs the masked CIDR', [denyAll, allowApi([{ from: [{ ipBlock: { cidr: '192.168.1.77/24' } }] }])], [denyAll, allowApi([{ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }])]],
  ['two overlapping port ranges vs their union', [denyAll, frontendEgress, allowApi([{ ports: [{ port: 80, endPort: 90 }, { port: 85, endPort: 100 }] }])], [denyAll, frontendEgress, allowApi([{ ports: [{ port: 80, endPort: 100 }] }])]],
  ['an ipBlock whose except covers its cidr vs a rule list admitting nothing', [denyAll, allowApi([{ from: [{ ipBlock: { cidr: '10.1.0.0/24', except: ['10.1.0.0/25', '10.1.0.128/25'] } }] }])], [denyAll, allowApi([])]],
  ['an empty peer vs a rule list admitting nothing', [denyAll, allowApi([{ from: [{}] }])], [denyAll, allowApi([])]],
  ['a peer with an ipBlock and selectors vs the ipBlock alone', [denyAll, frontendEgress, allowApi([{ from: [{ ipBlock: { cidr: '10.1.0.1/32' }, podSelector: frontend }] }])], [denyAll, frontendEgress, allowApi([{ from: [{ ipBlock: { cidr: '10.1.0.1/32' } }] }])]],
  ['a rule split in two vs one rule with both ports', [denyAll, frontendEgress, allowApi([{ ports: [{ port: 80 }] }, { ports: [{ port: 443 }] }])], [denyAll, frontendEgress, allowApi([{ ports: [{ port: 80 }, { port: 443 }] }])]],
];

describe('diffConnectivity', () => {
  it.each(equivalent)('equivalent rewrite gives an empty diff: %s', (_reason, before, after) => {
    expect(diffConnectivity({ inventory, policies: before }, { inventory, policies: after })).toEqual({ added: [], removed: [] });
    // Also through two separately built analyses (full comparison).
    expect(createAnalysis({ inventory, policies: before }).diff(createAnalysis({ inventory: { ...inventory }, policies: after }))).toEqual({ added: [], removed: [] });
    expect(createAnalysis({ inventory, policies: before }).diff(createAnalysis({ inventory, policies: after }))).toEqual({ added: [], removed: [] });
  });

  it('gives the same diff through every path (incremental, same inventory object, copied inventory)', () => {
    const before = [denyAll, frontendEgress];
    const after = [denyAll, frontendEgress, allowApi([{ from: [{ podSelector: frontend }], ports: [{ port: 'http' }] }])];
    const expected = diffConnectivity({ inventory, policies: before }, { inventory, policies: after });
    expect(expected.added).toHaveLength(1);
    expect(createAnalysis({ inventory, policies: before }).diff(createAnalysis({ inventory, policies: after }))).toEqual(expected);
    expect(createAnalysis({ inventory, policies: before }).diff(createAnalysis({ inventory: { ...inventory }, policies: after }))).toEqual(expected);
  });

  it('reports a new egress to the internet, aggregated per workload', () => {
    const before = [denyAll];
    const after = [denyAll, np('egress-443', { podSelector: api, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port: 443 }] }] })];
    const diff = diffConnectivity({ inventory, policies: before }, { inventory, policies: after });
    expect(diff.added.map(formatFlow)).toEqual(['prod/api[Deployment] => 1.1.1.1/32 : TCP 443']);
    expect(diff.removed).toEqual([]);
  });

  it('reports only the widened part of a flow', () => {
    const diff = diffConnectivity(
      { inventory, policies: [denyAll, frontendEgress, allowApi([{ from: [{ podSelector: frontend }], ports: [{ port: 8080 }] }])] },
      { inventory, policies: [denyAll, frontendEgress, allowApi([{ from: [{ podSelector: frontend }], ports: [{ port: 8080, endPort: 8090 }, { port: 53, protocol: 'UDP' }] }])] },
    );
    expect(diff.added.map(formatFlow)).toEqual(['prod/frontend[Deployment] => prod/api[Deployment] : TCP 8081-8090; UDP 53']);
    expect(diff.removed).toEqual([]);
  });

  it('reports what a namespace loses with its default deny', () => {
    const before = [denyAll, frontendEgress, allowApi([{ ports: [{ port: 8080 }] }])];
    const after = [frontendEgress, allowApi([{ ports: [{ port: 8080 }] }])];
    const { added, removed } = diffConnectivity({ inventory, policies: before }, { inventory, policies: after });
    expect(removed).toEqual([]);
    // api stays isolated for ingress by allow-api (8080 from anywhere), frontend for egress.
    expect(added.map(formatFlow)).toEqual([
      'prod/api[Deployment] => prod/api[Deployment] : TCP 8080',
      'prod/api[Deployment] => prod/frontend[Deployment] : All',
      'prod/api[Deployment] => 0.0.0.0/0 : All',
      'prod/api[Deployment] => ::/0 : All',
      '0.0.0.0/0 => prod/frontend[Deployment] : All',
      '::/0 => prod/frontend[Deployment] : All',
    ]);
  });

  it('renders an ipBlock with except as one range group', () => {
    const after = [denyAll, np('internet', { podSelector: api, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] })];
    const diff = diffConnectivity({ inventory, policies: [denyAll] }, { inventory, policies: after });
    expect(diff.added.map(formatFlow)).toEqual(['prod/api[Deployment] => 0.0.0.0/0 except 10.0.0.0/8 : TCP 443']);
  });

  it('compares two inventories with the same policies', () => {
    const policies = [denyAll, frontendEgress, allowApi([{ from: [{ podSelector: frontend }], ports: [{ port: 'http' }] }])];
    const grown: Inventory = {
      namespaces: inventory.namespaces,
      pods: [
        ...inventory.pods.filter((p) => p.name !== 'api-2'),
        { namespace: 'prod', name: 'api-v2-1', labels: { app: 'api' }, ip: '10.1.0.9', ports: [{ name: 'http', port: 9090 }], workload: { kind: 'Deployment', name: 'api-v2' } },
      ],
    };
    const diff = diffConnectivity({ inventory, policies }, { inventory: grown, policies });
    expect(diff.added.map(formatFlow)).toEqual(['prod/frontend[Deployment] => prod/api-v2[Deployment] : TCP 9090']);
    expect(diff.removed).toEqual([]);
  });

  it('reports removed flows when a replica disappears (a workload to itself needs two pods)', () => {
    const policies = [denyAll, np('api-peers', { podSelector: api, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: api }] }], egress: [{ to: [{ podSelector: api }] }] })];
    const shrunk: Inventory = { namespaces: inventory.namespaces, pods: inventory.pods.filter((p) => p.name !== 'api-2') };
    const diff = diffConnectivity({ inventory, policies }, { inventory: shrunk, policies });
    expect(diff.removed.map(formatFlow)).toEqual(['prod/api[Deployment] => prod/api[Deployment] : All']);
    expect(diff.added).toEqual([]);
  });

  it('diffs incrementally along withPolicyChanges, both ways', () => {
    const base = createAnalysis({ inventory, policies: [denyAll, frontendEgress] });
    base.connectivity();
    const next = base.withPolicyChanges({ upsert: [allowApi([{ from: [{ podSelector: frontend }], ports: [{ port: 'http' }] }])] });
    expect(base.diff(next).added.map(formatFlow)).toEqual(['prod/frontend[Deployment] => prod/api[Deployment] : TCP 8080']);
    expect(next.diff(base).removed.map(formatFlow)).toEqual(['prod/frontend[Deployment] => prod/api[Deployment] : TCP 8080']);
    const back = next.withPolicyChanges({ delete: [{ namespace: 'prod', name: 'allow-api' }] });
    expect(base.diff(back)).toEqual({ added: [], removed: [] });
    expect(back.policies.map((p) => p.metadata.name)).toEqual(['deny-all', 'frontend-egress']);
  });

  it('analyses the last of two policies with one namespace and name, in the place of the first', () => {
    const openApi = allowApi([{ from: [{ podSelector: frontend }] }]);
    const closedApi = allowApi([]);
    const analysis = createAnalysis({ inventory, policies: [openApi, denyAll, frontendEgress, closedApi] });
    expect(analysis.policies).toEqual([closedApi, denyAll, frontendEgress]);
    expect(analysis.connectivity()).toEqual([]);
    // The map of policies by name agrees: an upsert of the first object is a change, of the second none.
    expect(analysis.diff(analysis.withPolicyChanges({ upsert: [closedApi] }))).toEqual({ added: [], removed: [] });
    expect(analysis.diff(analysis.withPolicyChanges({ upsert: [openApi] })).added.map(formatFlow)).toEqual(['prod/frontend[Deployment] => prod/api[Deployment] : All']);
    const reversed = createAnalysis({ inventory, policies: [closedApi, denyAll, frontendEgress, openApi] });
    expect(reversed.connectivity().map(formatFlow)).toEqual(['prod/frontend[Deployment] => prod/api[Deployment] : All']);
  });

  it('finds a repeated namespace/name after policies of another namespace', () => {
    // Policies are looked up by the last namespace met first: a namespace met again must find its own names.
    const openApi = allowApi([{ from: [{ podSelector: frontend }] }]);
    const closedApi = allowApi([]);
    const elsewhere: NetworkPolicy = { ...np('allow-api', { podSelector: {}, ingress: [] }), metadata: { namespace: 'dev', name: 'allow-api' } };
    const analysis = createAnalysis({ inventory, policies: [openApi, denyAll, elsewhere, frontendEgress, closedApi] });
    expect(analysis.policies).toEqual([closedApi, denyAll, elsewhere, frontendEgress]);
    expect(analysis.connectivity()).toEqual([]);
  });

  it('keeps one policy per key among hundreds given, the last one in the place of the first, as a map of the keys does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('prod', 'dev', 'prod/x', 'a'), fc.constantFrom('p', 'q', 'x/y', 'y', 'r1', 'r2', 'r3'), fc.boolean()), { maxLength: 300 }),
        (entries) => {
          const policies = entries.map(([namespace, name, isolates]): NetworkPolicy => ({ ...np(name, { podSelector: {}, ingress: isolates ? [] : [{}] }), metadata: { namespace, name } }));
          const byKey = new Map<string, NetworkPolicy>();
          for (const p of policies) byKey.set(`${p.metadata.namespace}/${p.metadata.name}`, p);
          // By identity: each kept policy is the very object given last for its key.
          expect(createAnalysis({ inventory, policies }).policies.map((p) => policies.indexOf(p))).toEqual([...byKey.values()].map((p) => policies.indexOf(p)));
        },
      ),
    );
  });

  it('keys policies by their joined namespace/name, also where a slash makes two pairs one key', () => {
    // No valid object has a slash in either part; the engine still treats both alike everywhere.
    const slashedName = np('x/y', { podSelector: api, ingress: [{ from: [{ podSelector: frontend }] }] });
    const slashedNamespace: NetworkPolicy = { ...np('y', { podSelector: {}, ingress: [] }), metadata: { namespace: 'prod/x', name: 'y' } };
    const analysis = createAnalysis({ inventory, policies: [denyAll, frontendEgress, slashedName, slashedNamespace] });
    expect(analysis.policies).toEqual([denyAll, frontendEgress, slashedNamespace]);
    expect(analysis.connectivity()).toEqual([]);
    const alone = createAnalysis({ inventory, policies: [denyAll, frontendEgress, slashedName] });
    expect(alone.connectivity().map(formatFlow)).toEqual(['prod/frontend[Deployment] => prod/api[Deployment] : All']);
  });
});
