import type { NetworkPolicy } from '../../manifest';
import { connectivity, createAnalysis, explain, formatExplanation, formatFlow, type Inventory, type Protocol, reach } from '../index';
import { ReferenceEvaluator } from './reference/reference-evaluator';

/**
 * The seed article (shared/seed/000_7ea468c8da1ca84a.txt). Its manifests carry no namespace, so
 * `kubectl apply` puts all five policies in `default`: they select only pods of `default`. The
 * last manifest is mis-indented in the article; this is the policy it means.
 */
const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'default' },
  spec,
});

const policies: NetworkPolicy[] = [
  policy('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('ingress-access', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }],
  }),
  policy('ingress-to-backends', {
    podSelector: { matchLabels: { app: 'myapp' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { ingress: 'true' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }] }],
  }),
  policy('deny-egress-allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kube-dns': 'true' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }],
      },
    ],
  }),
  policy('egress-access-myapp', {
    podSelector: { matchLabels: { app: 'myapp' } },
    egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
  }),
];

const inventory: Inventory = {
  namespaces: [
    { name: 'default', labels: {} },
    { name: 'ingress-nginx', labels: { ingress: 'true' } },
    { name: 'kube-system', labels: { 'kube-dns': 'true' } },
  ],
  pods: [
    { namespace: 'ingress-nginx', name: 'ingress-nginx-controller-7d9', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ip: '10.244.1.10', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }], workload: { kind: 'Deployment', name: 'ingress-nginx-controller' } },
    { namespace: 'kube-system', name: 'coredns-5d7', labels: { 'k8s-app': 'kube-dns' }, ip: '10.244.2.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], workload: { kind: 'Deployment', name: 'coredns' } },
    { namespace: 'default', name: 'myapp-1', labels: { app: 'myapp' }, ip: '10.244.0.11', ports: [{ name: 'http', port: 8080 }], workload: { kind: 'Deployment', name: 'myapp' } },
    { namespace: 'default', name: 'myapp-2', labels: { app: 'myapp' }, ip: '10.244.0.12', ports: [{ name: 'http', port: 8080 }], workload: { kind: 'Deployment', name: 'myapp' } },
    { namespace: 'default', name: 'other', labels: { app: 'other' }, ip: '10.244.0.20', ports: [] },
  ],
};

const NGINX = 'ingress-nginx/ingress-nginx-controller-7d9';
const DNS = 'kube-system/coredns-5d7';

type Row = [reason: string, from: string, to: string, port: number, protocol: Protocol, expected: boolean];

const rows: Row[] = [
  ['the load balancer range reaches the ingress controller', '192.168.1.20', NGINX, 443, 'TCP', true],
  ['ingress-access lives in default, so it selects no pod: ingress-nginx stays open to any address', '203.0.113.7', NGINX, 443, 'TCP', true],
  ['…on any port', '203.0.113.7', NGINX, 22, 'TCP', true],
  ['the ingress controller reaches myapp (namespace ingress=true AND its pod label), any port', NGINX, 'default/myapp-1', 8080, 'TCP', true],
  ['the ingress controller does not reach other (default-deny, no allow rule)', NGINX, 'default/other', 80, 'TCP', false],
  ['outside addresses do not reach myapp', '192.168.1.20', 'default/myapp-1', 8080, 'TCP', false],
  ['kube-dns, not in default, is not isolated: it reaches the ingress controller', DNS, NGINX, 80, 'TCP', true],
  ['…but not myapp (its ingress admits only the ingress controller)', DNS, 'default/myapp-1', 8080, 'TCP', false],
  ['myapp resolves names over UDP 53', 'default/myapp-1', DNS, 53, 'UDP', true],
  ['…and TCP 53', 'default/myapp-1', DNS, 53, 'TCP', true],
  ['…but not on another port of kube-dns', 'default/myapp-1', DNS, 5353, 'UDP', false],
  ['other resolves names too (deny-egress-allow-dns selects every default pod)', 'default/other', DNS, 53, 'UDP', true],
  ['myapp reaches 1.1.1.1 on TCP 443', 'default/myapp-1', '1.1.1.1', 443, 'TCP', true],
  ['…not on TCP 80', 'default/myapp-1', '1.1.1.1', 80, 'TCP', false],
  ['…not 1.1.1.2', 'default/myapp-1', '1.1.1.2', 443, 'TCP', false],
  ['other does not reach 1.1.1.1', 'default/other', '1.1.1.1', 443, 'TCP', false],
  ['myapp replicas do not talk to each other', 'default/myapp-1', 'default/myapp-2', 8080, 'TCP', false],
  ['myapp cannot call the ingress controller (egress only DNS and 1.1.1.1)', 'default/myapp-1', NGINX, 443, 'TCP', false],
  ['other cannot reach myapp', 'default/other', 'default/myapp-1', 8080, 'TCP', false],
  ['the ingress controller reaches the internet (not isolated)', NGINX, '8.8.8.8', 443, 'TCP', true],
  ['a pod still reaches itself', 'default/other', 'default/other', 80, 'TCP', true],
];

describe('seed article scenario', () => {
  const input = { inventory, policies };
  const reference = new ReferenceEvaluator(inventory, policies, { ipBlockMatchesPodIps: true });

  it.each(rows)('%s', (_reason, from, to, port, protocol, expected) => {
    expect(reference.allowedText(from, to, protocol, port)).toBe(expected);
    expect(reach(input, [{ from, to, port, protocol }])[0].allowed).toBe(expected);
  });

  it('lists exactly the expected flows', () => {
    expect(connectivity(input).map(formatFlow)).toEqual([
      'default/myapp[Deployment] => kube-system/coredns[Deployment] : TCP 53; UDP 53',
      'default/other[Pod] => kube-system/coredns[Deployment] : TCP 53; UDP 53',
      'ingress-nginx/ingress-nginx-controller[Deployment] => default/myapp[Deployment] : All',
      'ingress-nginx/ingress-nginx-controller[Deployment] => kube-system/coredns[Deployment] : All',
      'kube-system/coredns[Deployment] => ingress-nginx/ingress-nginx-controller[Deployment] : All',
      'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443',
      '0.0.0.0/0 => ingress-nginx/ingress-nginx-controller[Deployment] : All',
      '::/0 => ingress-nginx/ingress-nginx-controller[Deployment] : All',
      'ingress-nginx/ingress-nginx-controller[Deployment] => 0.0.0.0/0 : All',
      'ingress-nginx/ingress-nginx-controller[Deployment] => ::/0 : All',
      '0.0.0.0/0 => kube-system/coredns[Deployment] : All',
      '::/0 => kube-system/coredns[Deployment] : All',
      'kube-system/coredns[Deployment] => 0.0.0.0/0 : All',
      'kube-system/coredns[Deployment] => ::/0 : All',
    ]);
  });

  it('explains why myapp reaches 1.1.1.1:443', () => {
    const e = explain(input, { from: 'default/myapp-1', to: '1.1.1.1', port: 443, protocol: 'TCP' });
    expect(e).toMatchObject({
      allowed: true,
      egress: {
        applicable: true,
        isolated: true,
        selectingPolicies: ['default/default-deny-all', 'default/deny-egress-allow-dns', 'default/egress-access-myapp'],
        allowedBy: [{ policy: 'default/egress-access-myapp', rule: 0 }],
        allowed: true,
      },
      ingress: { applicable: false, allowed: true },
    });
    expect(formatExplanation(e)).toContain('allowed by default/egress-access-myapp egress rule 0');
  });

  it('explains that egress-access-myapp also isolates myapp for ingress (policyTypes defaulted from its egress rules)', () => {
    const e = explain(input, { from: NGINX, to: 'default/myapp-2', port: 8080, protocol: 'TCP' });
    expect(e.allowed).toBe(true);
    expect(e.egress).toMatchObject({ isolated: false, selectingPolicies: [], allowed: true });
    expect(e.ingress).toMatchObject({
      isolated: true,
      selectingPolicies: ['default/default-deny-all', 'default/egress-access-myapp', 'default/ingress-to-backends'],
      allowedBy: [{ policy: 'default/ingress-to-backends', rule: 0 }],
    });
  });

  it('explains a denial on the ingress side', () => {
    const e = explain(input, { from: 'default/other', to: 'default/myapp-1', port: 8080, protocol: 'TCP' });
    expect(e).toMatchObject({ allowed: false, egress: { allowed: false, allowedBy: [] }, ingress: { allowed: false, allowedBy: [] } });
    expect(formatExplanation(e).split('\n')[0]).toBe('default/other -> default/myapp-1 TCP 8080: DENIED');
  });

  it('reports the policy that selects no pod as a no-op', () => {
    const without = createAnalysis({ inventory, policies: policies.filter((p) => p.metadata.name !== 'ingress-access') });
    expect(createAnalysis(input).diff(without)).toEqual({ added: [], removed: [] });
  });
});
