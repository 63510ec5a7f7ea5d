import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseManifests, type PodManifest, type WorkloadKind, type WorkloadManifest } from '../../manifest';
import { inventoryFromManifests, type ManifestInventory } from '../inventory-from-manifests.util';

/** What `kubectl get … -o json` printed, in test/fixtures/kubectl. */
const KUBECTL_DIR = join(__dirname, '../../../../../../test/fixtures/kubectl');
const kubectl = (...files: string[]) => {
  const parsed = files.map((file) => parseManifests(readFileSync(join(KUBECTL_DIR, file), 'utf8'), { source: file }));
  expect(parsed.flatMap((p) => p.errors)).toEqual([]);
  return { namespaces: parsed.flatMap((p) => p.namespaces), pods: parsed.flatMap((p) => p.pods), workloads: parsed.flatMap((p) => p.workloads) };
};
/** Each pod as `namespace/name Kind/workload ip`, then the workloads with their pod counts. */
const summary = ({ inventory, workloadPods }: ManifestInventory) => ({
  pods: inventory.pods.map((p) => `${p.namespace}/${p.name} ${p.workload ? `${p.workload.kind}/${p.workload.name}` : '-'} ${p.ip ?? '-'}`),
  workloadPods: Object.fromEntries(workloadPods),
});

const deployment = (name: string, replicas: number, labels: Record<string, string> = { app: name }): WorkloadManifest => ({
  kind: 'Deployment',
  namespace: 'shop',
  name,
  replicas,
  templateLabels: labels,
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const workload = (kind: WorkloadKind, name: string, replicas: number, owner?: [string, string]): WorkloadManifest => ({
  ...deployment(name, replicas),
  kind,
  ...(owner ? { ownerKind: owner[0], ownerName: owner[1] } : {}),
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

  it('resolves pods one after another by their own owner: the same owner name in another namespace or of another kind is another owner', () => {
    const inNamespace = (namespace: string, p: PodManifest): PodManifest => ({ ...p, namespace });
    const sut = inventoryFromManifests({
      namespaces: [],
      pods: [
        pod('a1', ['ReplicaSet', 'web-5d8f']),
        pod('a2', ['ReplicaSet', 'web-5d8f']),
        inNamespace('shop-eu', pod('b1', ['ReplicaSet', 'web-5d8f'])),
        pod('c1', ['Job', 'web-5d8f']),
        pod('a3', ['ReplicaSet', 'web-5d8f']),
      ],
      workloads: [deployment('web', 2), { ...deployment('web', 2), namespace: 'shop-eu', templateLabels: { app: 'web-eu' } }],
    });
    expect(summary(sut)).toEqual({
      pods: ['shop/a1 Deployment/web -', 'shop/a2 Deployment/web -', 'shop-eu/b1 Deployment/web -', 'shop/c1 Job/web-5d8f -', 'shop/a3 Deployment/web -'],
      workloadPods: { 'shop/web': ['a1', 'a2', 'a3'], 'shop-eu/web': ['b1'], 'shop/web-5d8f': ['c1'] },
    });
    expect(sut.inventory.pods[2].workload).not.toBe(sut.inventory.pods[0].workload);
  });

  it('resolves each pod by its own owner reference, also where kind and name written together read alike', () => {
    // Owner references are not validated: `Job/x` + `y` and `Job` + `x/y` are different owners (the first no workload kind).
    const sut = inventoryFromManifests({ namespaces: [], pods: [pod('p1', ['Job/x', 'y']), pod('p2', ['Job', 'x/y']), pod('p3', ['Job', 'x/y'])], workloads: [] });
    expect(summary(sut)).toEqual({ pods: ['shop/p1 - -', 'shop/p2 Job/x/y -', 'shop/p3 Job/x/y -'], workloadPods: { 'shop/x/y': ['p2', 'p3'] } });
    expect(sut.inventory.pods[1].workload).toBe(sut.inventory.pods[2].workload);
  });

  it('keeps workload objects apart whose namespace, kind and name written together read alike', () => {
    // Deployment `Job/x` in `a`, and Job `x` in `a/Deployment` (names and namespaces of objects are not validated).
    const inA = { ...workload('Deployment', 'Job/x', 1), namespace: 'a' };
    const job = { ...workload('Job', 'x', 1), namespace: 'a/Deployment' };
    const sut = inventoryFromManifests({ namespaces: [], pods: [{ ...pod('x-1', ['Job', 'x']), namespace: 'a/Deployment' }], workloads: [inA, job] });
    expect(summary(sut).pods).toEqual(['a/Deployment/x-1 Job/x -', 'a/Job/x-0 Deployment/Job/x -']);
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

  describe('with what kubectl -o json prints', () => {
    it('resolves pods through their ReplicaSet to the Deployment; neither the current nor the old ReplicaSet stands for pods of its own', () => {
      const sut = inventoryFromManifests(kubectl('deployment-replicaset-pods.json'));
      expect(summary(sut)).toEqual({
        pods: ['default/myapp-5d8f7c9b4-h7xkq Deployment/myapp 10.244.1.17', 'default/myapp-5d8f7c9b4-w2m9p Deployment/myapp 10.244.2.9'],
        workloadPods: { 'default/myapp': ['myapp-5d8f7c9b4-h7xkq', 'myapp-5d8f7c9b4-w2m9p'] },
      });
      expect(sut.inventory.pods[0]).toEqual({
        namespace: 'default',
        name: 'myapp-5d8f7c9b4-h7xkq',
        labels: { app: 'myapp', 'pod-template-hash': '5d8f7c9b4' },
        ip: '10.244.1.17',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        workload: { kind: 'Deployment', name: 'myapp' },
      });
    });

    it('resolves pods through their Job to the CronJob; a finished Job without pods stands for none', () => {
      expect(summary(inventoryFromManifests(kubectl('cronjob-job-pods.json')))).toEqual({
        pods: ['default/nightly-report-29409240-x5t8r CronJob/nightly-report 10.244.1.23'],
        workloadPods: { 'default/nightly-report': ['nightly-report-29409240-x5t8r'] },
      });
    });

    it('counts the pods of a StatefulSet and of a DaemonSet under it', () => {
      expect(summary(inventoryFromManifests(kubectl('statefulset-pods.json', 'daemonset-pods.json')))).toEqual({
        pods: [
          'data/postgres-0 StatefulSet/postgres 10.244.1.31',
          'data/postgres-1 StatefulSet/postgres 10.244.2.14',
          'monitoring/node-exporter-4kq2z DaemonSet/node-exporter 172.18.0.2',
          'monitoring/node-exporter-9vfmx DaemonSet/node-exporter 172.18.0.3',
          'monitoring/node-exporter-tl7wb DaemonSet/node-exporter 172.18.0.4',
        ],
        workloadPods: { 'data/postgres': ['postgres-0', 'postgres-1'], 'monitoring/node-exporter': ['node-exporter-4kq2z', 'node-exporter-9vfmx', 'node-exporter-tl7wb'] },
      });
    });

    it('lets a Deployment without pods in the input stand for its template pods, and not its ReplicaSet', () => {
      const sut = inventoryFromManifests(kubectl('deployment-without-pods.json'));
      expect(summary(sut)).toEqual({ pods: ['shop/api-0 Deployment/api -', 'shop/api-1 Deployment/api -'], workloadPods: { 'shop/api': ['api-0', 'api-1'] } });
      expect(sut.inventory.pods[0]).toEqual({
        namespace: 'shop',
        name: 'api-0',
        labels: { app: 'api' },
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'grpc', port: 9090, protocol: 'TCP' },
        ],
        workload: { kind: 'Deployment', name: 'api' },
      });
    });

    it('reads them all together as one cluster', () => {
      const files = ['deployment-replicaset-pods.json', 'cronjob-job-pods.json', 'statefulset-pods.json', 'daemonset-pods.json', 'deployment-without-pods.json'];
      const sut = inventoryFromManifests(kubectl(...files));
      const workloads = [...new Set(sut.inventory.pods.map((p) => `${p.namespace}/${p.workload?.kind}/${p.workload?.name}`))];
      expect(workloads).toEqual(['default/Deployment/myapp', 'default/CronJob/nightly-report', 'data/StatefulSet/postgres', 'monitoring/DaemonSet/node-exporter', 'shop/Deployment/api']);
      expect([...sut.workloadPods].map(([key, pods]) => [key, pods.length])).toEqual([
        ['default/myapp', 2],
        ['default/nightly-report', 1],
        ['data/postgres', 2],
        ['monitoring/node-exporter', 3],
        ['shop/api', 2],
      ]);
    });
  });

  describe('owners missing from the input', () => {
    it.each<[string, PodManifest[], WorkloadManifest[], string[]]>([
      // The ReplicaSet is absent: its name leads to the Deployment.
      ['a ReplicaSet named after a Deployment', [pod('web-7d4b9c-q1', ['ReplicaSet', 'web-7d4b9c'])], [deployment('web', 3)], ['shop/web-7d4b9c-q1 Deployment/web -']],
      // The Job is absent: its name leads to the CronJob.
      ['a Job named after a CronJob', [pod('report-29409240-x', ['Job', 'report-29409240'])], [workload('CronJob', 'report', 1)], ['shop/report-29409240-x CronJob/report -']],
      // The ReplicaSet is present and names its owner: the owner is absent, so the ReplicaSet is the top-most workload (no guess by name).
      ['a ReplicaSet whose Deployment is absent', [pod('web-7d4b9c-q1', ['ReplicaSet', 'web-7d4b9c'])], [workload('ReplicaSet', 'web-7d4b9c', 1, ['Deployment', 'gone']), deployment('web', 1)], ['shop/web-7d4b9c-q1 ReplicaSet/web-7d4b9c -', 'shop/web-0 Deployment/web -']],
      // Nothing of the input owns it and no pod resolves to it: the ReplicaSet stands for its template.
      ['a ReplicaSet without pods whose Deployment is absent', [], [workload('ReplicaSet', 'web-7d4b9c', 3, ['Deployment', 'gone'])], ['shop/web-7d4b9c-0 ReplicaSet/web-7d4b9c -', 'shop/web-7d4b9c-1 ReplicaSet/web-7d4b9c -']],
    ])('%s', (_reason, pods, workloads, expected) => {
      expect(summary(inventoryFromManifests({ namespaces: [], pods, workloads })).pods).toEqual(expected);
    });

    it('stops at an ownership cycle instead of looping', () => {
      const sut = inventoryFromManifests({ namespaces: [], pods: [pod('p', ['ReplicaSet', 'a'])], workloads: [workload('ReplicaSet', 'a', 1, ['Deployment', 'b']), workload('Deployment', 'b', 1, ['ReplicaSet', 'a'])] });
      expect(summary(sut).pods).toEqual(['shop/p Deployment/b -']);
    });
  });
});
