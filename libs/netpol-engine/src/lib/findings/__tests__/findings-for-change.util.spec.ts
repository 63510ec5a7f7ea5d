import { createAnalysis } from '../../analysis/create-analysis.util';
import type { NetworkPolicy } from '../../manifest/network-policy.type';
import { FindingCode, findingsForChange } from '../index';
import { db, inventory, np, web } from './findings.fixture';

const denyAll = np('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const dbFromWeb = np('shop', 'db-from-web', { podSelector: db, ingress: [{ from: [{ podSelector: web }], ports: [{ port: 5432 }] }] });
const webToDb = np('shop', 'web-to-db', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: db }], ports: [{ port: 5432 }] }] });
const base = [denyAll, dbFromWeb, webToDb];

type Row = [reason: string, before: NetworkPolicy[], after: NetworkPolicy[], code: FindingCode, policies: string[], flow: string | undefined];

const rows: Row[] = [
  ['removing the default deny', base, [dbFromWeb, webToDb], FindingCode.DEFAULT_DENY_REMOVED, ['shop/default-deny'], undefined],
  ['narrowing the default deny to some pods', base, [np('shop', 'default-deny', { podSelector: web, policyTypes: ['Ingress', 'Egress'] }), dbFromWeb, webToDb], FindingCode.DEFAULT_DENY_REMOVED, ['shop/default-deny'], undefined],
  ['a new egress to a public address', base, [...base, np('shop', 'cdn', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port: 443 }] }] })], FindingCode.EGRESS_TO_INTERNET_OPENED, ['shop/cdn'], 'shop/web[Deployment] => 1.1.1.1/32 : TCP 443'],
  ['a new ingress from a public range', base, [...base, np('shop', 'lb', { podSelector: web, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 80 }] }] })], FindingCode.INGRESS_FROM_INTERNET_OPENED, ['shop/lb'], '203.0.113.0/24 => shop/web[Deployment] : TCP 80'],
  ['more ports on a flow that existed', base, [denyAll, np('shop', 'db-from-web', { podSelector: db, ingress: [{ from: [{ podSelector: web }], ports: [{ port: 5432 }, { port: 9187 }] }] }), np('shop', 'web-to-db', { podSelector: web, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: db }] }] })], FindingCode.FLOW_WIDENED, ['shop/db-from-web', 'shop/web-to-db'], 'shop/web[Deployment] => shop/db[StatefulSet] : TCP 9187'],
  ['a flow between workloads that could not talk', base, [...base, np('shop', 'web-peers', { podSelector: web, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: web }] }], egress: [{ to: [{ podSelector: web }] }] })], FindingCode.FLOW_OPENED, ['shop/web-peers'], 'shop/web[Deployment] => shop/web[Deployment] : All'],
  ['a flow that is gone', base, [denyAll, dbFromWeb], FindingCode.FLOW_CLOSED, ['shop/web-to-db'], 'shop/web[Deployment] => shop/db[StatefulSet] : TCP 5432'],
  ['a policy-set finding a change introduces', base, [...base, np('shop', 'open', { podSelector: db, ingress: [{ from: [{ namespaceSelector: {} }] }] })], FindingCode.INGRESS_FROM_ALL_NAMESPACES, ['shop/open'], undefined],
];

describe(findingsForChange.name, () => {
  it.each(rows)('%s', (_reason, before, after, code, policies, flow) => {
    const sut = findingsForChange({ policies: before, inventory }, { policies: after, inventory });
    const found = sut.findings.filter((f) => f.code === code);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.policies).toEqual(policies);
    if (flow) expect(found.map((f) => f.message)).toEqual([expect.stringContaining(flow)]);
  });

  it('reports a lost default deny once per direction', () => {
    const sut = findingsForChange({ policies: base }, { policies: [np('shop', 'default-deny', { podSelector: {}, policyTypes: ['Egress'] }), dbFromWeb, webToDb] });
    expect(sut.findings.map((f) => [f.code, f.namespace, f.message.includes('for ingress')])).toEqual([[FindingCode.DEFAULT_DENY_REMOVED, 'shop', true]]);
  });

  it('reports a reformatted policy as no change at all', () => {
    const spelledOut = np('shop', 'db-from-web', { podSelector: db, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: web }], ports: [{ protocol: 'TCP', port: 5432 }] }] });
    const sut = findingsForChange({ policies: base, inventory }, { policies: [denyAll, spelledOut, webToDb], inventory });
    expect(sut).toMatchObject({ findings: [], maxSeverity: 'none', connectivityUnchanged: true, changes: { added: [], modified: [], removed: [] } });
  });

  it('sees a semantic no-op: a modified policy with the same connectivity', () => {
    const named = np('shop', 'db-from-web', { podSelector: db, ingress: [{ from: [{ podSelector: web }], ports: [{ port: 'pg' }] }] });
    const sut = findingsForChange({ policies: base, inventory }, { policies: [denyAll, named, webToDb], inventory });
    expect(sut.changes.modified).toEqual(['shop/db-from-web']);
    expect(sut.connectivityUnchanged).toBe(true);
    expect(sut.maxSeverity).toBe('none');
  });

  it('does not report findings the changed policy already had', () => {
    const cdn = (port: number) => np('shop', 'cdn', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port }] }] });
    const sut = findingsForChange({ policies: [...base, cdn(443)] }, { policies: [...base, np('shop', 'cdn', { ...cdn(443).spec, podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port: 443 }] }], ingress: [] })] });
    expect(sut.findings.filter((f) => f.code === FindingCode.EGRESS_TO_INTERNET)).toEqual([]);
  });

  it('rates the change by its most serious finding, for approval rules', () => {
    const sut = findingsForChange({ policies: base, inventory }, { policies: [dbFromWeb, webToDb, np('shop', 'all-out', { podSelector: web, egress: [{}] })], inventory });
    expect(sut.maxSeverity).toBe('high');
    expect(sut.codes[FindingCode.DEFAULT_DENY_REMOVED]).toBe(2); // ingress and egress
    expect(sut.codes[FindingCode.EGRESS_TO_ANY_ADDRESS]).toBe(1);
    expect(sut.changes).toEqual({ added: ['shop/all-out'], modified: [], removed: ['shop/default-deny'] });
  });

  it('works without an inventory: static and default-deny findings, no flows', () => {
    const sut = findingsForChange({ policies: base }, { policies: [dbFromWeb] });
    expect(sut.diff).toBeUndefined();
    expect(sut.connectivityUnchanged).toBeUndefined();
    expect(sut.findings.map((f) => f.code)).toEqual([FindingCode.DEFAULT_DENY_REMOVED, FindingCode.DEFAULT_DENY_REMOVED]);
  });

  it('uses analyses the caller already has (incremental diff)', () => {
    const before = createAnalysis({ inventory, policies: base });
    const cdn = np('shop', 'cdn', { podSelector: web, egress: [{ to: [{ ipBlock: { cidr: '8.8.8.8/32' } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
    const after = before.withPolicyChanges({ upsert: [cdn] });
    const sut = findingsForChange({ policies: base, analysis: before }, { policies: [...base, cdn], analysis: after });
    expect(sut.diff?.added.length).toBe(1);
    expect(sut.codes[FindingCode.EGRESS_TO_INTERNET_OPENED]).toBe(1);
  });

  it('reports a duplicated rule a change adds even when it sorts first', () => {
    const copy = np('shop', 'a-copy', { podSelector: db, ingress: [{ from: [{ podSelector: web }], ports: [{ port: 5432 }] }] });
    const sut = findingsForChange({ policies: base }, { policies: [...base, copy] });
    expect(sut.findings.filter((f) => f.code === FindingCode.REDUNDANT_RULE).map((f) => f.policies)).toEqual([['shop/a-copy', 'shop/db-from-web']]);
  });
});
