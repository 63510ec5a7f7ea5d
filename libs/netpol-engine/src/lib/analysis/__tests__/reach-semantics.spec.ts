import type { NetworkPolicy, NetworkPolicySpec } from '../../manifest';
import { connectivity, createAnalysis, explain, type Inventory, type Protocol, reach } from '../index';
import { FlowLookup } from './reference/flow-lookup';
import { ReferenceEvaluator } from './reference/reference-evaluator';

/**
 * Namespaces a (team=x), b (team=y) and c (not listed: only its metadata.name label).
 * Every pod is its own workload, so connectivity can be read back per pod.
 */
const inventory: Inventory = {
  namespaces: [
    { name: 'a', labels: { team: 'x' } },
    { name: 'b', labels: { team: 'y' } },
  ],
  pods: [
    { namespace: 'a', name: 'web', labels: { app: 'web' }, ip: '10.0.0.1', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] },
    { namespace: 'a', name: 'db', labels: { app: 'db', tier: 'data' }, ip: '10.0.0.2', ports: [] },
    { namespace: 'a', name: 'client', labels: { app: 'client' }, ip: '10.0.1.5', ports: [] },
    { namespace: 'b', name: 'web', labels: { app: 'web' }, ip: '10.0.1.1', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    { namespace: 'b', name: 'client', labels: { app: 'client' }, ip: 'fd00::10', ports: [] },
    { namespace: 'c', name: 'noip', labels: { app: 'client' }, ports: [] },
  ],
};

let counter = 0;
function np(namespace: string, spec: NetworkPolicySpec): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name: `p${counter++}` }, spec };
}

const denyIngress = (ns: string) => np(ns, { podSelector: {}, policyTypes: ['Ingress'] });
const denyEgress = (ns: string) => np(ns, { podSelector: {}, policyTypes: ['Egress'] });
const web = { matchLabels: { app: 'web' } };

type Row = [reason: string, policies: NetworkPolicy[], from: string, to: string, port: number, protocol: Protocol, expected: boolean, ipBlockMatchesPodIps?: boolean];

const rows: Row[] = [
  // --- isolation and policyTypes
  ['no policy: nothing is isolated', [], 'a/client', 'a/web', 80, 'TCP', true],
  ['podSelector-only policy without ingress field isolates ingress (Ingress defaulted)', [np('a', { podSelector: web })], 'a/client', 'a/web', 80, 'TCP', false],
  ['a policy with egress rules and no policyTypes affects ingress too', [np('a', { podSelector: web, egress: [{}] })], 'a/client', 'a/web', 80, 'TCP', false],
  ['…and egress: egress: [{}] allows all egress', [np('a', { podSelector: web, egress: [{}] })], 'a/web', 'a/db', 5432, 'TCP', true],
  ['egress rules without Egress in policyTypes are ignored', [np('a', { podSelector: web, policyTypes: ['Ingress'], ingress: [{}], egress: [{ to: [{ ipBlock: { cidr: '9.9.9.9/32' } }] }] })], 'a/web', 'a/db', 5432, 'TCP', true],
  ['ingress rules without Ingress in policyTypes are ignored (not isolated)', [np('a', { podSelector: web, policyTypes: ['Egress'], ingress: [{ from: [{ ipBlock: { cidr: '9.9.9.9/32' } }] }] })], 'a/client', 'a/web', 80, 'TCP', true],
  ['egress: [] without policyTypes does not add Egress (API server defaulting counts rules)', [np('a', { podSelector: web, ingress: [{}], egress: [] })], 'a/web', 'a/db', 5432, 'TCP', true],
  ['policyTypes: [] counts as not specified (Ingress defaulted)', [np('a', { podSelector: web, policyTypes: [] })], 'a/client', 'a/web', 80, 'TCP', false],
  ['policyTypes [Egress] with no egress field denies all egress', [np('a', { podSelector: web, policyTypes: ['Egress'] })], 'a/web', 'a/db', 5432, 'TCP', false],
  ['ingress: [] denies all ingress', [np('a', { podSelector: web, policyTypes: ['Ingress'], ingress: [] })], 'a/client', 'a/web', 80, 'TCP', false],
  ['ingress: [{}] (from and ports missing) allows everything', [np('a', { podSelector: web, ingress: [{}] })], 'b/client', 'a/web', 9999, 'UDP', true],
  ['from: [] is the same as a missing from: all sources', [np('a', { podSelector: web, ingress: [{ from: [] }] })], 'b/client', 'a/web', 80, 'TCP', true],
  ['from: [] also admits external addresses', [np('a', { podSelector: web, ingress: [{ from: [] }] })], '203.0.113.9', 'a/web', 80, 'TCP', true],
  ['ports: [] is the same as missing ports: all ports', [np('a', { podSelector: web, ingress: [{ from: [], ports: [] }] })], 'a/client', 'a/web', 31337, 'SCTP', true],
  ['a policy selects only pods of its own namespace', [denyIngress('a')], 'a/client', 'b/web', 80, 'TCP', true],
  ['policies add up: deny-all plus an allow rule allows', [denyIngress('a'), np('a', { podSelector: web, ingress: [{ from: [{ podSelector: {} }] }] })], 'a/client', 'a/web', 80, 'TCP', true],
  // --- peers
  ['podSelector-only peer means the policy namespace', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] })], 'b/client', 'a/web', 80, 'TCP', false],
  ['podSelector-only peer matches in the policy namespace', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] })], 'a/client', 'a/web', 80, 'TCP', true],
  ['podSelector {} peer means every pod of the policy namespace', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: {} }] }] })], 'b/web', 'a/web', 80, 'TCP', false],
  ['namespaceSelector-only peer means all pods of matching namespaces', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }] }] })], 'b/web', 'a/web', 80, 'TCP', true],
  ['namespaceSelector {} means all namespaces', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: {} }] }] })], 'c/noip', 'a/web', 80, 'TCP', true],
  ['namespaceSelector {} does not admit external addresses', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: {} }] }] })], '203.0.113.9', 'a/web', 80, 'TCP', false],
  ['namespaceSelector AND podSelector in one peer: wrong pod label denied', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'client' } } }] }] })], 'b/web', 'a/web', 80, 'TCP', false],
  ['namespaceSelector AND podSelector in one peer: both match', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'client' } } }] }] })], 'b/client', 'a/web', 80, 'TCP', true],
  ['namespaceSelector and podSelector as two peers are ORed', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }, { podSelector: { matchLabels: { app: 'client' } } }] }] })], 'b/web', 'a/web', 80, 'TCP', true],
  ['namespaceSelector AND podSelector: pod label matches but namespace does not', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'client' } } }] }] })], 'a/client', 'a/web', 80, 'TCP', false],
  ['kubernetes.io/metadata.name is set on every namespace', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }] })], 'b/client', 'a/web', 80, 'TCP', true],
  ['…also on a namespace the inventory does not list', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] }] })], 'c/noip', 'a/web', 80, 'TCP', true],
  ['an unlisted namespace has no other labels', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }] }] })], 'c/noip', 'a/web', 80, 'TCP', false],
  // --- selector operators
  ['NotIn matches a pod without the key', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['data'] }] } }] }] })], 'a/client', 'a/web', 80, 'TCP', true],
  ['NotIn rejects a listed value', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['data'] }] } }] }] })], 'a/db', 'a/web', 80, 'TCP', false],
  ['DoesNotExist matches a pod without the key', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }] }] })], 'a/client', 'a/web', 80, 'TCP', true],
  ['DoesNotExist rejects a pod with the key', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }] }] })], 'a/db', 'a/web', 80, 'TCP', false],
  ['In does not match a missing key', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['data', 'web'] }] } }] }] })], 'a/client', 'a/web', 80, 'TCP', false],
  ['Exists matches any value', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] }] })], 'a/db', 'a/web', 80, 'TCP', true],
  ['matchLabels AND matchExpressions must both hold', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }] }] })], 'a/db', 'a/web', 80, 'TCP', false],
  ['NotIn on the namespace selector matches namespaces without the key', [np('a', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['x', 'y'] }] } }] }] })], 'c/noip', 'a/web', 80, 'TCP', true],
  ['NotIn in the target podSelector selects pods without the key', [np('a', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['data'] }] }, policyTypes: ['Ingress'] })], 'a/db', 'a/client', 80, 'TCP', false],
  // --- ports
  ['protocol defaults to TCP: port 53 without protocol does not allow UDP 53', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 53 }] }] })], 'a/client', 'a/web', 53, 'UDP', false],
  ['protocol defaults to TCP: TCP 53 allowed', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 53 }] }] })], 'a/client', 'a/web', 53, 'TCP', true],
  ['a port entry with only a protocol allows every port of it', [np('a', { podSelector: web, ingress: [{ ports: [{ protocol: 'UDP' }] }] })], 'a/client', 'a/web', 65535, 'UDP', true],
  ['…and no port of another protocol', [np('a', { podSelector: web, ingress: [{ ports: [{ protocol: 'UDP' }] }] })], 'a/client', 'a/web', 1, 'TCP', false],
  ['SCTP is a protocol of its own', [np('a', { podSelector: web, ingress: [{ ports: [{ protocol: 'SCTP', port: 80 }] }] })], 'a/client', 'a/web', 80, 'SCTP', true],
  ['named port resolves on the destination pod (a/web http=80)', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 'http' }] }] })], 'a/client', 'a/web', 80, 'TCP', true],
  ['named port does not allow other numbers', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 'http' }] }] })], 'a/client', 'a/web', 8080, 'TCP', false],
  ['named port needs the protocol too (dns is UDP on a/web)', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 'dns', protocol: 'TCP' }] }] })], 'a/client', 'a/web', 53, 'TCP', false],
  ['named port with the right protocol', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] })], 'a/client', 'a/web', 53, 'UDP', true],
  ['named port missing on the destination matches nothing', [np('a', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 'http' }] }] })], 'a/client', 'a/db', 80, 'TCP', false],
  ['egress named port resolves on the destination pod (b/web http=8080)', [np('a', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })], 'a/client', 'b/web', 8080, 'TCP', true],
  ['egress named port: not the source pod’s number', [np('a', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })], 'a/client', 'b/web', 80, 'TCP', false],
  ['egress named port never matches an IP destination', [np('a', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })], 'a/client', '93.184.216.34', 80, 'TCP', false],
  ['endPort is inclusive', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 8000, endPort: 8080 }] }] })], 'a/client', 'a/web', 8080, 'TCP', true],
  ['endPort: one past the end is denied', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 8000, endPort: 8080 }] }] })], 'a/client', 'a/web', 8081, 'TCP', false],
  ['endPort: the start is included', [np('a', { podSelector: web, ingress: [{ ports: [{ port: 8000, endPort: 8080 }] }] })], 'a/client', 'a/web', 8000, 'TCP', true],
  ['a rule needs both a matching peer and a matching port', [np('a', { podSelector: web, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 443 }] }] })], 'a/client', 'a/web', 80, 'TCP', false],
  // --- ipBlock
  ['ipBlock matches an external source', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }] })], '192.168.1.77', 'a/web', 80, 'TCP', true],
  ['ipBlock: outside the CIDR denied', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }] })], '192.168.2.1', 'a/web', 80, 'TCP', false],
  ['ipBlock except removes addresses', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }] }] })], 'b/web', 'a/web', 80, 'TCP', false],
  ['ipBlock except: the rest of the CIDR still matches (pod IP)', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }] }] })], 'a/db', 'a/web', 80, 'TCP', true],
  ['ipBlock matches pod IPs when the option is on (default)', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.1.0/24' } }] }] })], 'b/web', 'a/web', 80, 'TCP', true],
  ['ipBlock ignores pod IPs when the option is off', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.1.0/24' } }] }] })], 'b/web', 'a/web', 80, 'TCP', false, false],
  ['…but still matches external addresses when the option is off', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.1.0/24' } }] }] })], '10.0.1.200', 'a/web', 80, 'TCP', true, false],
  ['CIDR with host bits is masked (10.0.0.77/24 = 10.0.0.0/24)', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.77/24' } }] }] })], 'a/db', 'a/web', 80, 'TCP', true],
  ['except with host bits is masked too', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.77/24'] } }] }] })], 'a/db', 'a/web', 80, 'TCP', false],
  ['an IPv4 block never matches an IPv6 pod', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], 'b/client', 'a/web', 80, 'TCP', false],
  ['an IPv6 block matches an IPv6 pod', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/8' } }] }] })], 'b/client', 'a/web', 80, 'TCP', true],
  ['an IPv6 block never matches an IPv4 address', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }] }] })], '192.168.1.1', 'a/web', 80, 'TCP', false],
  ['IPv6 CIDR with host bits', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::abcd/112' } }] }] })], 'fd00::1', 'a/web', 80, 'TCP', true],
  ['a pod without an IP never matches an ipBlock, even 0.0.0.0/0', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], 'c/noip', 'a/web', 80, 'TCP', false],
  ['an external address in except is denied', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] })], '10.9.9.9', 'a/web', 80, 'TCP', false],
  ['egress ipBlock to an external address', [np('a', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port: 443 }] }] })], 'a/web', '1.1.1.1', 443, 'TCP', true],
  ['egress ipBlock: neighbouring address denied', [np('a', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port: 443 }] }] })], 'a/web', '1.1.1.2', 443, 'TCP', false],
  ['egress ipBlock to a pod IP reaches the pod (option on)', [denyEgress('a'), np('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.1.1/32' } }] }] })], 'a/web', 'b/web', 80, 'TCP', true],
  // --- peers API validation rejects, still read one way everywhere (connectivity, reach, explain)
  ['a peer with an ipBlock and a podSelector is its ipBlock: the selector admits nothing', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.1.0/24' }, podSelector: { matchLabels: { app: 'db' } } }] }] })], 'a/db', 'a/web', 80, 'TCP', false],
  ['…and its block still admits what lies in it', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.1.0/24' }, podSelector: { matchLabels: { app: 'db' } } }] }] })], 'b/web', 'a/web', 80, 'TCP', true],
  ['an empty peer admits nothing', [np('a', { podSelector: web, ingress: [{ from: [{}] }] })], 'a/client', 'a/web', 80, 'TCP', false],
  ['an ipBlock whose except covers its cidr admits nothing', [np('a', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/17', '10.0.128.0/17'] } }] }] })], 'a/db', 'a/web', 80, 'TCP', false],
  // --- directions and endpoints
  ['a pod may always talk to itself', [denyIngress('a'), denyEgress('a')], 'a/web', 'a/web', 80, 'TCP', true],
  ['IP to pod needs only the pod ingress', [denyEgress('a')], '203.0.113.1', 'a/web', 80, 'TCP', true],
  ['IP to pod: an isolated ingress denies', [denyIngress('a')], '203.0.113.1', 'a/web', 80, 'TCP', false],
  ['pod to IP needs only the pod egress', [denyIngress('a')], 'a/web', '203.0.113.1', 80, 'TCP', true],
  ['pod to IP: an isolated egress denies', [denyEgress('a')], 'a/web', '203.0.113.1', 80, 'TCP', false],
  ['IP to IP is not cluster traffic: allowed', [denyIngress('a'), denyEgress('a')], '203.0.113.1', '198.51.100.1', 80, 'TCP', true],
  ['pod to pod: egress allows but ingress denies', [denyIngress('b')], 'a/web', 'b/web', 80, 'TCP', false],
  ['pod to pod: ingress allows but egress denies', [denyEgress('a')], 'a/web', 'b/web', 80, 'TCP', false],
  ['pod to pod: both sides allow', [denyIngress('b'), denyEgress('a'), np('b', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] }] }), np('a', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: web }] }] })], 'a/web', 'b/web', 8080, 'TCP', true],
];

describe('reach semantics', () => {
  it.each(rows)('%s', (_reason, policies, from, to, port, protocol, expected, ipBlockMatchesPodIps = true) => {
    const input = { inventory, policies, options: { ipBlockMatchesPodIps } };
    const reference = new ReferenceEvaluator(inventory, policies, { ipBlockMatchesPodIps });
    expect(reference.allowedText(from, to, protocol, port)).toBe(expected);
    expect(reach(input, [{ from, to, port, protocol }])[0].allowed).toBe(expected);
    expect(explain(input, { from, to, port, protocol }).allowed).toBe(expected);
    // Connectivity lists neither a pod to itself nor IP to IP; everything else must agree.
    const selfOrExternal = from === to || (!from.includes('/') && !to.includes('/'));
    if (!selfOrExternal) expect(new FlowLookup(inventory, connectivity(input)).allows(from, to, protocol, port)).toBe(expected);
  });

  it('answers queries in order and defaults the protocol to TCP', () => {
    const policies = [np('a', { podSelector: web, ingress: [{ ports: [{ port: 80 }] }] })];
    expect(reach({ inventory, policies }, [{ from: 'a/client', to: 'a/web', port: 80 }, { from: 'a/client', to: 'a/web', port: 81 }])).toEqual([
      { from: 'a/client', to: 'a/web', port: 80, protocol: 'TCP', allowed: true },
      { from: 'a/client', to: 'a/web', port: 81, protocol: 'TCP', allowed: false },
    ]);
  });

  it('rejects unknown pods and malformed endpoints with coded errors', () => {
    const analysis = createAnalysis({ inventory, policies: [] });
    expect(() => analysis.reach([{ from: 'a/nope', to: 'a/web', port: 80 }])).toThrow(expect.objectContaining({ code: 'UNKNOWN_POD' }));
    expect(() => analysis.reach([{ from: 'not an endpoint', to: 'a/web', port: 80 }])).toThrow(expect.objectContaining({ code: 'INVALID_ENDPOINT' }));
    expect(() => analysis.reach([{ from: 'a/web', to: 'a/db', port: 0 }])).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });
});
