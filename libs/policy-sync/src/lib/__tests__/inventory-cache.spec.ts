import { InventoryCache, toCompactOwner, toCompactPod } from '../inventory/inventory-cache';

/** A pod the way the API server returns it, with the bulk a real one carries (env, probes, status, managedFields). */
function rawPod(i: number): Record<string, unknown> {
  const env = Array.from({ length: 30 }, (_, k) => ({ name: `SETTING_${k}`, value: `value-${k}-${'x'.repeat(40)}` }));
  return {
    metadata: {
      name: `web-${i}`,
      namespace: `ns-${i % 50}`,
      uid: `uid-${i}`,
      labels: { app: 'web', 'pod-template-hash': '7d4b9' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T00:00:00Z', note: 'y'.repeat(500) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${i % 50}-7d4b9`, uid: 'rs', controller: true }],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:spec': { 'f:containers': {} } } }],
    },
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.25', env, ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9000 }], readinessProbe: { httpGet: { path: '/ready', port: 8080 } } },
        { name: 'sidecar', image: 'envoy:1.30', env, ports: [{ name: 'admin', containerPort: 9901, protocol: 'TCP' }] },
      ],
    },
    status: {
      phase: 'Running',
      podIP: `10.0.${Math.floor(i / 250)}.${i % 250}`,
      podIPs: [{ ip: `10.0.${Math.floor(i / 250)}.${i % 250}` }],
      conditions: Array.from({ length: 4 }, (_, k) => ({ type: `Cond${k}`, status: 'True', lastTransitionTime: '2026-11-26T00:00:00Z' })),
    },
  };
}

describe(InventoryCache.name, () => {
  it('keeps a 10k-pod cluster in a few MB: each pod reduced to what analysis uses', () => {
    const sut = new InventoryCache();
    let rawBytes = 0;
    const pods = new Map<string, ReturnType<typeof toCompactPod>>();
    for (let i = 0; i < 10_000; i++) {
      const raw = rawPod(i);
      rawBytes += JSON.stringify(raw).length;
      pods.set(`ns-${i % 50}/web-${i}`, toCompactPod(raw));
    }
    sut.pods.reset(pods);
    const keptBytes = JSON.stringify([...sut.pods.items.values()]).length;
    expect(sut.pods.items.size).toBe(10_000);
    expect(keptBytes / 10_000).toBeLessThan(300);
    expect(keptBytes).toBeLessThan(rawBytes / 15);
    expect(sut.snapshot().pods[0]).toEqual({
      namespace: 'ns-0',
      name: 'web-0',
      labels: { app: 'web', 'pod-template-hash': '7d4b9' },
      ip: '10.0.0.0',
      ips: ['10.0.0.0'],
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'admin', port: 9901, protocol: 'TCP' },
      ],
      workload: { kind: 'ReplicaSet', name: 'web-0-7d4b9' },
    });
  });

  it('resolves workloads through owner references and counts only real changes', () => {
    const sut = new InventoryCache();
    const owned = (kind: string, name: string): Record<string, unknown> => ({ metadata: { ownerReferences: [{ kind, name, controller: true }] } });
    sut.replicaSets.upsert('shop/web-1', toCompactOwner(owned('Deployment', 'web')));
    sut.jobs.upsert('shop/nightly-1', toCompactOwner(owned('CronJob', 'nightly')));
    sut.pods.upsert('shop/a', toCompactPod({ metadata: { namespace: 'shop', name: 'a', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', controller: true }] } }));
    sut.pods.upsert('shop/b', toCompactPod({ metadata: { namespace: 'shop', name: 'b', ownerReferences: [{ kind: 'Job', name: 'nightly-1', controller: true }] } }));
    sut.pods.upsert('shop/c', toCompactPod({ metadata: { namespace: 'shop', name: 'c', ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }] } }));
    sut.pods.upsert('shop/d', toCompactPod({ metadata: { namespace: 'shop', name: 'd' } }));
    expect(sut.snapshot().pods.map((p) => `${p.name}: ${p.workload.kind}/${p.workload.name}`)).toEqual([
      'a: Deployment/web',
      'b: CronJob/nightly',
      'c: StatefulSet/db',
      'd: Pod/d',
    ]);
    const revision = sut.revision;
    // A status-only update reduces to the same compact pod: no new snapshot.
    sut.pods.upsert('shop/d', toCompactPod({ metadata: { namespace: 'shop', name: 'd' }, status: { phase: 'Running', conditions: [] } }));
    expect(sut.revision).toBe(revision);
    sut.pods.upsert('shop/d', toCompactPod({ metadata: { namespace: 'shop', name: 'd', labels: { new: 'label' } } }));
    expect(sut.revision).toBe(revision + 1);
  });
});
