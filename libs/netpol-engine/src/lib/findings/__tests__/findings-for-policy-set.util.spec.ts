import { FindingCode, findingsForPolicySet, type FindingsReport } from '../index';
import type { NetworkPolicy } from '../../manifest/network-policy.type';
import { db, inventory, np, web } from './findings.fixture';

type Row = [reason: string, policies: NetworkPolicy[], withInventory: boolean, code: FindingCode, policies: string[], path: string | undefined];

const rows: Row[] = [
  // --- egress
  ['ipBlock 0.0.0.0/0 is egress to any address', [np('shop', 'p', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], false, FindingCode.EGRESS_TO_ANY_ADDRESS, ['shop/p'], 'spec.egress[0].to[0].ipBlock'],
  ['::/0 too, even with an except', [np('shop', 'p', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0', except: ['fc00::/7'] } }] }] })], false, FindingCode.EGRESS_TO_ANY_ADDRESS, ['shop/p'], 'spec.egress[0].to[0].ipBlock'],
  ['an egress rule without `to` reaches every address', [np('shop', 'p', { podSelector: web, egress: [{ ports: [{ port: 443 }] }] })], false, FindingCode.EGRESS_TO_ANY_ADDRESS, ['shop/p'], 'spec.egress[0]'],
  ['a public /32 is egress to the internet', [np('shop', 'p', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port: 443 }] }] })], false, FindingCode.EGRESS_TO_INTERNET, ['shop/p'], 'spec.egress[0].to[0].ipBlock'],
  ['a block that straddles private space counts for its public part', [np('shop', 'p', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '172.0.0.0/8' } }] }] })], false, FindingCode.EGRESS_TO_INTERNET, ['shop/p'], 'spec.egress[0].to[0].ipBlock'],
  ['a public IPv6 range is the internet', [np('shop', 'p', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32' } }] }] })], false, FindingCode.EGRESS_TO_INTERNET, ['shop/p'], 'spec.egress[0].to[0].ipBlock'],
  // --- ingress
  ['an ingress rule without `from` admits anyone', [np('shop', 'p', { podSelector: web, ingress: [{ ports: [{ port: 80 }] }] })], false, FindingCode.INGRESS_FROM_ANYWHERE, ['shop/p'], 'spec.ingress[0]'],
  ['ingress from 0.0.0.0/0 admits anyone', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], false, FindingCode.INGRESS_FROM_ANYWHERE, ['shop/p'], 'spec.ingress[0].from[0].ipBlock'],
  ['namespaceSelector {} is every namespace', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ namespaceSelector: {} }] }] })], false, FindingCode.INGRESS_FROM_ALL_NAMESPACES, ['shop/p'], 'spec.ingress[0].from[0].namespaceSelector'],
  ['…also with a podSelector in the same peer', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'monitor' } } }] }] })], false, FindingCode.INGRESS_FROM_ALL_NAMESPACES, ['shop/p'], 'spec.ingress[0].from[0].namespaceSelector'],
  ['…and with only `kubernetes.io/metadata.name Exists`', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] } }] }] })], false, FindingCode.INGRESS_FROM_ALL_NAMESPACES, ['shop/p'], 'spec.ingress[0].from[0].namespaceSelector'],
  ['a public ingress ipBlock is ingress from the internet', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }] })], false, FindingCode.INGRESS_FROM_INTERNET, ['shop/p'], 'spec.ingress[0].from[0].ipBlock'],
  ['a private ingress ipBlock is ingress from outside the cluster', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }] })], false, FindingCode.INGRESS_FROM_OUTSIDE_CLUSTER, ['shop/p'], 'spec.ingress[0].from[0].ipBlock'],
  // --- dead policies and peers
  ['a podSelector no pod of the namespace matches', [np('shop', 'p', { podSelector: { matchLabels: { app: 'gone' } }, policyTypes: ['Ingress'] })], true, FindingCode.POLICY_SELECTS_NO_POD, ['shop/p'], 'spec.podSelector'],
  ['a policy in a namespace without pods', [np('empty', 'p', { podSelector: {}, policyTypes: ['Ingress'] })], true, FindingCode.POLICY_SELECTS_NO_POD, ['empty/p'], 'spec.podSelector'],
  ['a podSelector-only peer looks in the policy namespace only', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'monitor' } } }] }] })], true, FindingCode.PEER_MATCHES_NOTHING, ['shop/p'], 'spec.ingress[0].from[0]'],
  ['a namespaceSelector no namespace matches', [np('shop', 'p', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'nobody' } } }] }] })], true, FindingCode.PEER_MATCHES_NOTHING, ['shop/p'], 'spec.egress[0].to[0]'],
  ['an except list that removes the whole block', [np('shop', 'p', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/9', '10.128.0.0/9'] } }] }] })], false, FindingCode.PEER_MATCHES_NOTHING, ['shop/p'], 'spec.egress[0].to[0].ipBlock'],
  // --- rules that do nothing
  ['a second rule inside the first one', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ podSelector: {} }] }, { from: [{ podSelector: db }], ports: [{ port: 80 }] }] })], false, FindingCode.REDUNDANT_RULE, ['shop/p'], 'spec.ingress[1]'],
  ['a rule covered by another policy that selects a superset of pods', [np('shop', 'a', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }] }), np('shop', 'b', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'monitor' } } }], ports: [{ port: 9090 }] }] })], false, FindingCode.REDUNDANT_RULE, ['shop/b', 'shop/a'], 'spec.ingress[0]'],
  ['of two identical rules, the later one', [np('shop', 'a', { podSelector: web, egress: [{ to: [{ podSelector: db }], ports: [{ port: 5432 }] }] }), np('shop', 'b', { podSelector: web, egress: [{ to: [{ podSelector: db }], ports: [{ port: 5432 }] }] })], false, FindingCode.REDUNDANT_RULE, ['shop/b', 'shop/a'], 'spec.egress[0]'],
  ['egress rules while policyTypes lists only Ingress', [np('shop', 'p', { podSelector: web, policyTypes: ['Ingress'], egress: [{ to: [{ podSelector: db }] }] })], false, FindingCode.RULES_IGNORED_BY_POLICY_TYPES, ['shop/p'], 'spec.egress'],
];

describe(findingsForPolicySet.name, () => {
  it.each(rows)('%s', (_reason, policies, withInventory, code, involved, path) => {
    const sut = findingsForPolicySet({ policies, ...(withInventory ? { inventory } : {}) });
    const found = sut.findings.filter((f) => f.code === code);
    expect(found.map((f) => ({ policies: f.policies, path: f.path }))).toEqual([{ policies: involved, path }]);
    expect(found[0].severity).toBeDefined();
    expect(sut.counts[found[0].severity]).toBeGreaterThan(0);
  });

  type Quiet = [reason: string, policies: NetworkPolicy[], code: FindingCode];
  const quiet: Quiet[] = [
    ['egress to private space is not the internet', [np('shop', 'p', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '100.64.0.0/10' } }, { ipBlock: { cidr: 'fd00::/8' } }, { ipBlock: { cidr: '169.254.169.254/32' } }] }] })], FindingCode.EGRESS_TO_INTERNET],
    ['0.0.0.0/0 is reported once, as any address, not also as the internet', [np('shop', 'p', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], FindingCode.EGRESS_TO_INTERNET],
    ['a namespaceSelector with labels is not all namespaces', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }] })], FindingCode.INGRESS_FROM_ALL_NAMESPACES],
    ['ingress: [] admits nobody', [np('shop', 'p', { podSelector: web, policyTypes: ['Ingress'], ingress: [] })], FindingCode.INGRESS_FROM_ANYWHERE],
    ['rules with different ports are not redundant', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ podSelector: db }], ports: [{ port: 80 }] }, { from: [{ podSelector: db }], ports: [{ port: 443 }] }] })], FindingCode.REDUNDANT_RULE],
    ['a rule in a policy that selects fewer pods does not cover one selecting more', [np('shop', 'a', { podSelector: web, ingress: [{}] }), np('shop', 'b', { podSelector: {}, ingress: [{ from: [{ podSelector: db }] }] })], FindingCode.REDUNDANT_RULE],
    ['a named port is not covered by a number (it may resolve elsewhere)', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ podSelector: db }], ports: [{ port: 5432 }] }, { from: [{ podSelector: db }], ports: [{ port: 'pg' }] }] })], FindingCode.REDUNDANT_RULE],
    ['NotIn on another key does not imply In', [np('shop', 'p', { podSelector: web, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' } } }] }, { from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] } }] }] })], FindingCode.REDUNDANT_RULE],
    ['egress rules of a policy that isolates egress are used', [np('shop', 'p', { podSelector: web, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ podSelector: db }] }] })], FindingCode.RULES_IGNORED_BY_POLICY_TYPES],
  ];
  it.each(quiet)('no finding when %s', (_reason, policies, code) => {
    const sut = findingsForPolicySet({ policies, inventory });
    expect(sut.findings.filter((f) => f.code === code)).toEqual([]);
  });

  it('skips the inventory checks without an inventory', () => {
    const sut = findingsForPolicySet({ policies: [np('empty', 'p', { podSelector: { matchLabels: { app: 'gone' } }, ingress: [{ from: [{ podSelector: db }] }] })] });
    expect(sut.findings).toEqual([]);
    expect(sut.maxSeverity).toBe('none');
  });

  it('summarizes: most serious first, counts per severity and code, stable output', () => {
    const policies = [
      np('shop', 'open', { podSelector: web, egress: [{}], ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] }),
      np('shop', 'cdn', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }] }] }),
    ];
    const sut: FindingsReport = findingsForPolicySet({ policies, inventory });
    expect(sut.findings.map((f) => f.code)).toEqual([FindingCode.EGRESS_TO_ANY_ADDRESS, FindingCode.EGRESS_TO_INTERNET, FindingCode.INGRESS_FROM_OUTSIDE_CLUSTER, FindingCode.REDUNDANT_RULE]);
    expect(sut.maxSeverity).toBe('high');
    expect(sut.counts).toEqual({ info: 1, low: 1, medium: 1, high: 1 });
    expect(sut.codes[FindingCode.EGRESS_TO_INTERNET]).toBe(1);
    expect(findingsForPolicySet({ policies: [...policies].reverse(), inventory })).toEqual(sut);
  });

  it('counts extra private CIDRs as not the internet', () => {
    const policies = [np('shop', 'p', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }] })];
    expect(findingsForPolicySet({ policies }).codes[FindingCode.EGRESS_TO_INTERNET]).toBe(1);
    expect(findingsForPolicySet({ policies }, { privateCidrs: ['198.51.100.0/22'] }).codes[FindingCode.EGRESS_TO_INTERNET]).toBeUndefined();
  });

  it('stays fast on one namespace with thousands of policies selecting every pod', () => {
    const policies = Array.from({ length: 5000 }, (_, i) => np('shop', `p${i}`, { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: `a${i % 50}` } } }], ports: [{ port: 1000 + (i % 7) }] }] }));
    const started = performance.now();
    const sut = findingsForPolicySet({ policies, inventory });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(sut.codes[FindingCode.REDUNDANT_RULE]).toBeGreaterThan(0);
  });
});
