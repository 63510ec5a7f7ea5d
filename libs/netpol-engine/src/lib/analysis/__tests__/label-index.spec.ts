import type { NetworkPolicy } from '../../manifest';
import { createAnalysis, type Inventory } from '../index';

/**
 * Selectors over more than 64 pod classes are answered from the label index (posting lists per
 * key), not by testing each class: these clusters are large enough to take that path.
 */
const pods = Array.from({ length: 80 }, (_, i) => ({
  namespace: i < 40 ? 'left' : 'right',
  name: `pod-${i}`,
  labels: { id: String(i), ...(i % 2 === 0 ? { constructor: 'yes', tier: i % 4 === 0 ? 'web' : 'db' } : {}) },
  ports: [],
  workload: { kind: 'Deployment', name: `app-${i}` },
}));
const inventory: Inventory = { namespaces: [{ name: 'left' }, { name: 'right' }], pods };

const onlyFrom = (podSelector: NetworkPolicy['spec']['podSelector']): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: 'left', name: 'only-from' },
  spec: { podSelector: { matchLabels: { id: '1' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector }] }] },
});

function sourcesOfPod1(policy: NetworkPolicy): string[] {
  return createAnalysis({ inventory, policies: [policy] })
    .connectivity()
    .filter((f) => f.to.kind === 'workload' && f.to.name === 'app-1' && f.from.kind === 'workload')
    .map((f) => (f.from.kind === 'workload' ? f.from.name : ''))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

const even = Array.from({ length: 40 }, (_, k) => `app-${2 * k}`);

describe('label index', () => {
  it('matches a key named like an object property only on pods that carry it', () => {
    expect(sourcesOfPod1(onlyFrom({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }))).toEqual(even);
    expect(sourcesOfPod1(onlyFrom({ matchLabels: { constructor: 'yes' } }))).toEqual(even);
    expect(sourcesOfPod1(onlyFrom({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }))).toEqual([]);
  });

  it('combines keys, values and exclusions', () => {
    expect(sourcesOfPod1(onlyFrom({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }))).toEqual(even.filter((_, k) => k % 2 === 0));
    expect(sourcesOfPod1(onlyFrom({ matchLabels: { constructor: 'yes' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }))).toEqual(even.filter((_, k) => k % 2 === 1));
    const withoutKey = sourcesOfPod1(onlyFrom({ matchExpressions: [{ key: 'constructor', operator: 'DoesNotExist' }] }));
    expect(withoutKey).toEqual(Array.from({ length: 39 }, (_, k) => `app-${2 * k + 3}`));
  });
});
