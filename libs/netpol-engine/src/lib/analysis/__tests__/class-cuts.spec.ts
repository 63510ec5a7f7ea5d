import type { NetworkPolicy, NetworkPolicySpec } from '../../manifest';
import { createAnalysis, type Inventory } from '../index';
import { FlowLookup } from './reference/flow-lookup';
import { ReferenceEvaluator } from './reference/reference-evaluator';

/**
 * Pods that differ only by IP share labels, namespace and named ports, so only an ipBlock can tell
 * them apart. These cases were found by mutating the class computation and checking that the
 * property test notices; they are kept here as fixed cases.
 */
const inventory: Inventory = {
  namespaces: [{ name: 'n1', labels: {} }],
  pods: [
    { namespace: 'n1', name: 'a', labels: { app: 'web' }, ip: '10.0.0.1', ports: [] },
    { namespace: 'n1', name: 'b', labels: { app: 'web' }, ip: '10.0.1.1', ports: [] },
    { namespace: 'n1', name: 'c', labels: { app: 'web' }, ip: 'fd00::1', ports: [] },
    { namespace: 'n1', name: 'd', labels: { app: 'web' }, ports: [] },
  ],
};

const np = (name: string, spec: NetworkPolicySpec): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: 'n1', name },
  spec,
});

const fromBlock = np('from-block', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.1.0/24'] } }] }] });
const denyEgress = np('deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const toBlock = np('to-block', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }] }] });

const pods = inventory.pods.map((p) => `${p.namespace}/${p.name}`);

function expectAgreement(policies: NetworkPolicy[], flows: ReturnType<ReturnType<typeof createAnalysis>['connectivity']>): void {
  const reference = new ReferenceEvaluator(inventory, policies, { ipBlockMatchesPodIps: true });
  const lookup = new FlowLookup(inventory, flows);
  for (const from of pods) {
    for (const to of pods) {
      if (from === to) continue;
      expect({ from, to, allowed: lookup.allows(from, to, 'TCP', 80) }).toEqual({ from, to, allowed: reference.allowedText(from, to, 'TCP', 80) });
    }
  }
}

describe('classes cut by ipBlock boundaries', () => {
  it.each([
    ['an ingress ipBlock with except admits a but not b, c or d', [fromBlock]],
    ['an egress ipBlock to one pod IP', [denyEgress, toBlock]],
    ['both at once', [fromBlock, denyEgress, toBlock]],
  ])('connectivity: %s', (_reason, policies) => {
    expectAgreement(policies, createAnalysis({ inventory, policies }).connectivity());
  });

  it.each([
    ['adding an ingress ipBlock that splits a class of identical pods', [] as NetworkPolicy[], fromBlock],
    ['adding an egress ipBlock to one of two identical pods', [denyEgress], toBlock],
  ])('incremental: %s', (_reason, before, added) => {
    const base = createAnalysis({ inventory, policies: before });
    base.connectivity();
    const next = base.withPolicyChanges({ upsert: [added] });
    expectAgreement([...before, added], next.connectivity());
    const diff = base.diff(next);
    const full = base.diff(createAnalysis({ inventory, policies: [...before, added] }));
    expect(diff).toEqual(full);
  });

  it('keeps IPv4, IPv6 and IP-less pods apart even without ipBlocks', () => {
    const analysis = createAnalysis({ inventory, policies: [] });
    expectAgreement([], analysis.connectivity());
    const next = analysis.withPolicyChanges({ upsert: [np('v6-only', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }] }] })] });
    expectAgreement([np('v6-only', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }] }] })], next.connectivity());
  });

  it('applies upserts and deletes of the same policy in order', () => {
    const base = createAnalysis({ inventory, policies: [fromBlock] });
    const changed = np('from-block', { podSelector: {}, ingress: [{}] });
    const next = base.withPolicyChanges({ upsert: [changed, fromBlock, changed], delete: [{ namespace: 'n1', name: 'nothing' }] });
    expect(next.policies).toEqual([changed]);
    expectAgreement([changed], next.connectivity());
    const deleted = next.withPolicyChanges({ delete: [{ namespace: 'n1', name: 'from-block' }] });
    expect(deleted.policies).toEqual([]);
    expectAgreement([], deleted.connectivity());
    expect(base.diff(deleted)).toEqual(base.diff(createAnalysis({ inventory, policies: [] })));
  });
});
