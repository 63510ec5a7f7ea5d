/** fast-check generators of small random clusters and policy sets (valid per API validation). */
import fc from 'fast-check';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PolicyType } from '../../../manifest';
import type { Inventory, InventoryPod, InventoryPodPort, Protocol } from '../../model.type';

export const NAMESPACES = ['n1', 'n2', 'n3'];
export const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];
/** Ports every comparison checks: rule ports, named-port numbers, their neighbours and the extremes. */
export const PORTS = [1, 52, 53, 54, 80, 443, 8079, 8080, 8081, 9090, 65535];
export const POD_IPS = ['10.0.0.1', '10.0.0.2', '10.0.1.1', '10.1.0.5', '192.168.1.10', '1.1.1.1', 'fd00::1', 'fd00::1:1', '2001:db8::5'];
/** External addresses to probe: inside, outside and on the edges of every generated ipBlock. */
export const EXTERNAL_IPS = [
  '10.0.0.0', '10.255.255.255', '11.0.0.0', '9.255.255.255', '10.0.1.0', '10.0.0.3', '192.168.1.10', '192.168.1.11', '192.168.0.255',
  '1.1.1.1', '1.1.1.2', '8.8.8.8', '0.0.0.0', '255.255.255.255', 'fd00::1', 'fd00::2', 'fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::5', '::1', 'ffff::1',
];

const POD_LABELS: Record<string, string[]> = { app: ['web', 'db', 'api'], tier: ['x', 'y'] };
const NS_LABELS: Record<string, string[]> = { team: ['a', 'b'], env: ['prod', 'dev'], 'kubernetes.io/metadata.name': NAMESPACES };
const IP_BLOCKS: { cidr: string; excepts: string[] }[] = [
  { cidr: '10.0.0.0/8', excepts: ['10.0.1.0/24', '10.0.0.2/32', '10.1.0.0/16'] },
  { cidr: '10.0.0.9/24', excepts: ['10.0.0.0/31'] },
  { cidr: '0.0.0.0/0', excepts: ['10.0.0.0/8', '192.168.0.0/16', '1.1.1.1/32'] },
  { cidr: '192.168.1.0/24', excepts: ['192.168.1.10/32'] },
  { cidr: '1.1.1.1/32', excepts: [] },
  { cidr: '::/0', excepts: ['fd00::/16'] },
  { cidr: 'fd00::5/64', excepts: ['fd00::1/128'] },
  { cidr: '2001:db8::/32', excepts: [] },
];

function labels(vocabulary: Record<string, string[]>): fc.Arbitrary<Record<string, string>> {
  const entries = Object.entries(vocabulary).map(([key, values]) => fc.option(fc.constantFrom(...values), { nil: undefined }).map((v) => [key, v] as const));
  return fc.tuple(...entries).map((pairs) => {
    const out: Record<string, string> = {};
    for (const [k, v] of pairs) if (v !== undefined) out[k] = v;
    return out;
  });
}

function selector(vocabulary: Record<string, string[]>): fc.Arbitrary<LabelSelector> {
  const keys = Object.keys(vocabulary);
  const expression = fc.constantFrom(...keys).chain((key) =>
    fc.oneof(
      fc.constantFrom('In' as const, 'NotIn' as const).chain((operator) =>
        fc.subarray(vocabulary[key], { minLength: 1 }).map((values) => ({ key, operator, values })),
      ),
      fc.constantFrom('Exists' as const, 'DoesNotExist' as const).map((operator) => ({ key, operator })),
    ),
  );
  return fc.record(
    { matchLabels: fc.option(labels(vocabulary), { nil: undefined }), matchExpressions: fc.option(fc.array(expression, { maxLength: 2 }), { nil: undefined }) },
    { requiredKeys: [] },
  ).map((s) => {
    const out: LabelSelector = {};
    if (s.matchLabels !== undefined) out.matchLabels = s.matchLabels;
    if (s.matchExpressions !== undefined) out.matchExpressions = s.matchExpressions;
    return out;
  });
}

const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  { arbitrary: selector(POD_LABELS).map((podSelector) => ({ podSelector })), weight: 1 },
  { arbitrary: selector(NS_LABELS).map((namespaceSelector) => ({ namespaceSelector })), weight: 1 },
  { arbitrary: fc.tuple(selector(NS_LABELS), selector(POD_LABELS)).map(([namespaceSelector, podSelector]) => ({ namespaceSelector, podSelector })), weight: 1 },
  {
    arbitrary: fc.constantFrom(...IP_BLOCKS).chain((block) =>
      fc.subarray(block.excepts).map((except) => ({ ipBlock: except.length > 0 ? { cidr: block.cidr, except } : { cidr: block.cidr } })),
    ),
    weight: 2,
  },
);

const port: fc.Arbitrary<NetworkPolicyPort> = fc
  .tuple(
    fc.constantFrom(undefined, 'TCP' as const, 'UDP' as const, 'SCTP' as const),
    fc.oneof(fc.constant(undefined), fc.constantFrom(1, 53, 80, 443, 8080, 9090), fc.constantFrom('http', 'dns', 'metrics')),
    fc.constantFrom(undefined, 0, 1, 100, 'max' as const),
  )
  .map(([protocol, p, end]) => {
    const out: NetworkPolicyPort = {};
    if (protocol) out.protocol = protocol;
    if (p !== undefined) out.port = p;
    if (typeof p === 'number' && end !== undefined) out.endPort = end === 'max' ? 65535 : p + end;
    return out;
  });

const rule = fc.record(
  {
    peers: fc.oneof(fc.constant(undefined), fc.constant<NetworkPolicyPeer[]>([]), fc.array(peer, { minLength: 1, maxLength: 3 })),
    ports: fc.oneof(fc.constant(undefined), fc.constant<NetworkPolicyPort[]>([]), fc.array(port, { minLength: 1, maxLength: 3 })),
  },
  { requiredKeys: ['peers', 'ports'] },
);

type RawRule = { peers: NetworkPolicyPeer[] | undefined; ports: NetworkPolicyPort[] | undefined };
const rules = fc.oneof(fc.constant(undefined), fc.constant([] as RawRule[]), fc.array(rule, { minLength: 1, maxLength: 3 }));

/** A policy named `name` in one of `namespaces` (n4 never has pods); half of them select every pod. */
export const policyArbitrary = (name: string, namespaces: string[] = [...NAMESPACES, 'n4']): fc.Arbitrary<NetworkPolicy> =>
  fc
    .record({
      namespace: fc.constantFrom(...namespaces),
      podSelector: fc.oneof(fc.constant<LabelSelector>({}), selector(POD_LABELS)),
      policyTypes: fc.constantFrom<PolicyType[] | undefined>(undefined, [], ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      ingress: rules,
      egress: rules,
    })
    .map((p) => {
      const spec: NetworkPolicy['spec'] = { podSelector: p.podSelector };
      if (p.policyTypes) spec.policyTypes = p.policyTypes;
      if (p.ingress) spec.ingress = p.ingress.map((r) => ({ ...(r.peers ? { from: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
      if (p.egress) spec.egress = p.egress.map((r) => ({ ...(r.peers ? { to: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
      return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: p.namespace, name }, spec };
    });

export const policiesArbitrary = (maxLength: number, namespaces?: string[]): fc.Arbitrary<NetworkPolicy[]> =>
  fc
    .integer({ min: 0, max: maxLength })
    .chain((n) => (n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => policyArbitrary(`p${i}`, namespaces)))));

const podPorts = fc
  .tuple(
    fc.option(fc.constantFrom(80, 8080), { nil: undefined }),
    fc.option(fc.constantFrom<Protocol>('UDP', 'TCP'), { nil: undefined }),
    fc.option(fc.constantFrom<Protocol>('SCTP', 'TCP'), { nil: undefined }),
  )
  .map(([http, dns, metrics]) => {
    const out: InventoryPod['ports'] = [];
    if (http !== undefined) out.push({ name: 'http', port: http, protocol: 'TCP' });
    if (dns !== undefined) out.push({ name: 'dns', port: 53, protocol: dns });
    if (metrics !== undefined) out.push({ name: 'metrics', port: 9090, protocol: metrics });
    out.push({ port: 7777 });
    return out;
  });

/** A cluster of up to `maxPods` pods in n1..n3; some namespaces are not listed. `workloads` groups pods. */
export const inventoryArbitrary = (maxPods: number, workloads: boolean): fc.Arbitrary<Inventory> =>
  fc
    .record({
      namespaces: fc.subarray(NAMESPACES).chain((names) => fc.tuple(...names.map((name) => labels({ team: NS_LABELS.team, env: NS_LABELS.env }).map((l) => ({ name, labels: l }))))),
      pods: fc.array(
        fc.record({
          namespace: fc.constantFrom(...NAMESPACES),
          // Often identical labels and ports, so that pods differ only by IP and classes get cut by ipBlocks.
          labels: fc.oneof(labels(POD_LABELS), fc.constantFrom<Record<string, string>>({}, { app: 'web' })),
          ip: fc.option(fc.constantFrom(...POD_IPS), { nil: undefined }),
          ports: fc.oneof(podPorts, fc.constant<InventoryPodPort[]>([{ port: 7777 }])),
          workload: workloads ? fc.constantFrom(undefined, 'w1', 'w2') : fc.constant(undefined),
        }),
        { minLength: 1, maxLength: maxPods },
      ),
    })
    .map(({ namespaces, pods }) => ({
      namespaces,
      pods: pods.map((p, i) => {
        const pod: InventoryPod = { namespace: p.namespace, name: `pod${i}`, labels: p.labels, ports: p.ports };
        if (p.ip) pod.ip = p.ip;
        if (p.workload) pod.workload = { kind: 'Deployment', name: p.workload };
        return pod;
      }),
    }));

/** Pods that differ only by IP (one namespace, same labels and ports): classes are then cut by ipBlocks alone. */
export const uniformInventoryArbitrary = (maxPods: number): fc.Arbitrary<Inventory> =>
  fc.array(fc.option(fc.constantFrom(...POD_IPS), { nil: undefined }), { minLength: 2, maxLength: maxPods }).map((ips) => ({
    namespaces: [{ name: 'n1', labels: { team: 'a' } }],
    pods: ips.map((ip, i) => ({ namespace: 'n1', name: `pod${i}`, labels: { app: 'web' }, ports: [{ name: 'http', port: 80 }], ...(ip ? { ip } : {}) })),
  }));

/** A policy in n1 selecting every pod whose rules use ipBlock peers only. */
export const ipBlockPolicyArbitrary = (name: string): fc.Arbitrary<NetworkPolicy> =>
  fc
    .tuple(
      fc.constantFrom<('Ingress' | 'Egress')[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      fc.array(
        fc.constantFrom(...IP_BLOCKS).chain((block) => fc.subarray(block.excepts).map((except) => ({ ipBlock: { cidr: block.cidr, except } }))),
        { minLength: 1, maxLength: 2 },
      ),
      fc.option(fc.array(port, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    )
    .map(([policyTypes, peers, ports]) => ({
      apiVersion: 'networking.k8s.io/v1' as const,
      kind: 'NetworkPolicy' as const,
      metadata: { namespace: 'n1', name },
      spec: {
        podSelector: {},
        policyTypes,
        ...(policyTypes.includes('Ingress') ? { ingress: [{ from: peers, ...(ports ? { ports } : {}) }] } : {}),
        ...(policyTypes.includes('Egress') ? { egress: [{ to: peers, ...(ports ? { ports } : {}) }] } : {}),
      },
    }));
