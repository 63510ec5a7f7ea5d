import type { PodManifest, WorkloadManifest } from '../../manifest';
import { inventoryFromManifests } from '../inventory-from-manifests.util';

const deployment = (name: string, replicas: number, labels: Record<string, string> = { app: name }): WorkloadManifest => ({
  kind: 'Deployment',
  namespace: 'shop',
  name,
  replicas,
  templateLabels: labels,
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const pod = (name: string, owner?: [string, string], ip?: string): PodManifest => ({
  namespace: 'shop',
  name,
  labels: { app: 'web' },
  ports: [],
  ...(ip ? { ip } : {}),
  ...(owner ? { ownerKind: owner[0], ownerName: owner[1] } : {}),
});

describe(inventoryFromManifests.name, () => {
  it('lets a workload without pods stand for min(replicas, 2) pods with its template', () => {
    const sut = inventoryFromManifests({ namespaces: [], pods: [], workloads: [deployment('web', 5), deployment('one', 1), deployment('off', 0)] });
    expect(sut.inventory.pods.map((p) => [p.name, p.workload?.name, p.labels, p.ip])).toEqual([
      ['web-0', 'web', { app: 'web' }, undefined],
      ['web-1', 'web', { app: 'web' }, undefined],
      ['one-0', 'one', { app: 'one' }, undefined],
    ]);
    expect(sut.inventory.pods[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(sut.workloadPods.get('shop/web')).toEqual(['web-0', 'web-1']);
  });

  it('counts pods of a ReplicaSet under its Deployment, and keeps real pods instead of the template', () => {
    const sut = inventoryFromManifests({ namespaces: [], pods: [pod('web-7d4b9c-x2x9z', ['ReplicaSet', 'web-7d4b9c'], '10.0.0.5')], workloads: [deployment('web', 3)] });
    expect(sut.inventory.pods).toEqual([
      { namespace: 'shop', name: 'web-7d4b9c-x2x9z', labels: { app: 'web' }, ip: '10.0.0.5', ports: [], workload: { kind: 'Deployment', name: 'web' } },
    ]);
  });

  it('keeps a ReplicaSet owner when no Deployment matches, and leaves other owners as bare pods', () => {
    const sut = inventoryFromManifests({ namespaces: [], pods: [pod('a', ['ReplicaSet', 'lonely-abc']), pod('b', ['Node', 'node-1']), pod('c')], workloads: [] });
    expect(sut.inventory.pods.map((p) => p.workload)).toEqual([{ kind: 'ReplicaSet', name: 'lonely-abc' }, undefined, undefined]);
  });

  it('never reuses the name of a Pod manifest for a template pod', () => {
    const sut = inventoryFromManifests({ namespaces: [], pods: [pod('web-0')], workloads: [deployment('web', 1)] });
    expect(sut.inventory.pods.map((p) => p.name)).toEqual(['web-0', 'web-0x']);
  });

  it('passes namespaces and their labels through', () => {
    const sut = inventoryFromManifests({ namespaces: [{ name: 'shop', labels: { team: 'a', 'kubernetes.io/metadata.name': 'shop' } }], pods: [], workloads: [] });
    expect(sut.inventory.namespaces).toEqual([{ name: 'shop', labels: { team: 'a', 'kubernetes.io/metadata.name': 'shop' } }]);
  });
});
