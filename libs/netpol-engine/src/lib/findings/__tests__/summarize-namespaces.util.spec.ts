import type { NetworkPolicy } from '../../manifest';
import { createAnalysis, type Inventory } from '../../analysis';
import { summarizeNamespaces } from '../summarize-namespaces.util';

const np = (namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec });

const inventory: Inventory = {
  namespaces: [{ name: 'open' }, { name: 'private' }, { name: 'public' }, { name: 'empty' }],
  pods: [
    { namespace: 'open', name: 'a-0', workload: { kind: 'Deployment', name: 'a' } },
    { namespace: 'private', name: 'b-0', workload: { kind: 'Deployment', name: 'b' } },
    { namespace: 'private', name: 'c-0', workload: { kind: 'Deployment', name: 'c' } },
    { namespace: 'public', name: 'd-0', workload: { kind: 'Deployment', name: 'd' } },
  ],
};

const policies = [
  // private: isolated both ways; its workloads reach and are reached by private addresses only.
  np('private', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  np('private', 'b-vpc', {
    podSelector: { matchLabels: {} },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
    egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }],
  }),
  // public: d is isolated for ingress only, open to one public address; its egress stays open.
  np('public', 'd-in', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '8.8.8.8/32' } }] }] }),
];

describe(summarizeNamespaces.name, () => {
  it('counts isolation, reach from other namespaces and the internet per namespace', () => {
    const rows = summarizeNamespaces(createAnalysis({ inventory, policies, options: { ipBlockMatchesPodIps: false } }));
    expect(rows).toEqual([
      { namespace: 'empty', workloads: 0, ingressIsolated: 0, egressIsolated: 0, reachableFromOtherNamespaces: 0, reachableFromInternet: 0, reachingInternet: 0 },
      // open/a: reached by public/d (open egress), open to and reaching every address.
      { namespace: 'open', workloads: 1, ingressIsolated: 0, egressIsolated: 0, reachableFromOtherNamespaces: 1, reachableFromInternet: 1, reachingInternet: 1 },
      // private addresses are not the internet.
      { namespace: 'private', workloads: 2, ingressIsolated: 2, egressIsolated: 2, reachableFromOtherNamespaces: 0, reachableFromInternet: 0, reachingInternet: 0 },
      { namespace: 'public', workloads: 1, ingressIsolated: 1, egressIsolated: 0, reachableFromOtherNamespaces: 0, reachableFromInternet: 1, reachingInternet: 1 },
    ]);
  });

  it('counts 8.8.8.8 as private when the caller says so, and keeps only the namespaces asked for', () => {
    const rows = summarizeNamespaces(createAnalysis({ inventory, policies }), { privateCidrs: ['8.8.8.8/32'], namespaces: ['public'] });
    expect(rows).toEqual([{ namespace: 'public', workloads: 1, ingressIsolated: 1, egressIsolated: 0, reachableFromOtherNamespaces: 0, reachableFromInternet: 0, reachingInternet: 1 }]);
  });
});
