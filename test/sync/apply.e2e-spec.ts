import type { Client } from 'pg';
import { parseAllDocuments } from 'yaml';

import { hashNetworkPolicy, type NetworkPolicy } from '../../libs/netpol-engine/src';
import { connectTo } from '../../libs/testing/src';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';
import {
    networkPolicy,
  SEED_POLICIES_YAML,
  startTestWorker,
  type TestWorker,
  waitFor,
} from '../support/sync-harness';
import { createTestApp, type TestApp } from '../support/test-app';
import { VersionWriter } from '../support/versions';

interface LiveNetworkPolicy {
  metadata: {
    name: string;
    namespace: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: { manager: string; operation: string }[];
  };
  spec: NetworkPolicy['spec'];
}

const SEED = parseAllDocuments(SEED_POLICIES_YAML)
  .map((doc) => doc.toJSON() as NetworkPolicy)
  .map((p) => ({ ...p, metadata: { ...p.metadata, namespace: 'default' } }));

describeWithKube('applying versions (real kube-apiserver)', () => {
  let kube: KubeApiServer;
  let t: TestApp;
  let sql: Client;
  let worker: TestWorker;
  let versions: VersionWriter;

  const sync = async (): Promise<Record<string, unknown>> => (await t.http.get('/api/v1/clusters/prod/sync').expect(200)).body;
  const live = async (namespace: string, name: string): Promise<{ status: number; body: LiveNetworkPolicy }> =>
    kube.kube<LiveNetworkPolicy>('GET', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies/${name}`);
  const untilSync = (what: string, match: (s: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>> =>
    waitFor(what, async () => {
      const s = await sync();
      return match(s) ? s : undefined;
    }, timeoutMs);

  beforeAll(async () => {
    [kube, t] = await Promise.all([startKubeApiServer(), createTestApp()]);
    sql = await connectTo(t.db.url);
    versions = new VersionWriter(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod', labels: { env: 'prod' } }).expect(201);
    await t.http.put('/api/v1/clusters/prod/connection').send({ server: kube.url, caData: kube.caData, token: kube.adminToken }).expect(200);
    worker = await startTestWorker(t.db.appUrl, 'w1');
  });
  afterAll(async () => {
    await worker?.close();
    await versions?.close();
    await sql?.end();
    await t?.close();
    await kube?.stop();
  });

  it("applies the seed article's policies with server-side apply, labelled and annotated, and reads them back", async () => {
    await t.http.post('/api/v1/clusters/prod/versions/import').set('Content-Type', 'application/yaml').send(SEED_POLICIES_YAML).expect(201);
    const status = await untilSync('version 1 in sync', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 1);
    expect(status).toMatchObject({ desiredVersion: 1, attempts: 0, lastError: null, drift: [], conflicts: [], connected: true, worker: 'w1', mode: 'report' });

    const list = await kube.kube<{ items: LiveNetworkPolicy[] }>('GET', '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies');
    expect(list.body.items.map((p) => p.metadata.name).sort()).toEqual(SEED.map((p) => p.metadata.name).sort());
    for (const policy of SEED) {
      const { body } = await live('default', policy.metadata.name);
      expect(body.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'palisade', 'palisade.io/cluster': 'prod' });
      expect(body.metadata.annotations).toMatchObject({ 'palisade.io/version': '1', 'palisade.io/policy-hash': hashNetworkPolicy(policy) });
      expect(body.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'palisade', operation: 'Apply' }));
      // What the server stores means what was approved (its defaults spelled out).
      const stored = { ...policy, metadata: { name: policy.metadata.name, namespace: 'default' }, spec: body.spec };
      expect(hashNetworkPolicy(stored)).toBe(hashNetworkPolicy({ ...policy, metadata: { name: policy.metadata.name, namespace: 'default' } }));
    }

    const audit = await sql.query("SELECT actor_name, actor_kind, after FROM audit_events WHERE action = 'sync.applied'");
    expect(audit.rows).toEqual([
      { actor_name: 'sync-worker/w1', actor_kind: 'system', after: expect.objectContaining({ appliedVersion: 1, changed: 5, unchanged: 0, pruned: 0 }) },
    ]);
    const gql = await t.gql<{ clusterSync: Record<string, unknown> }>(
      '{ clusterSync(cluster: "prod") { cluster status desiredVersion appliedVersion attempts nextRetryAt lastError lastErrorAt lastAppliedAt conflicts { namespace name field manager } drift { namespace name kind reason } driftDetectedAt mode forceConflicts connected serverVersion capabilities { endPort adminNetworkPolicy } worker updatedAt } }',
    );
    expect(gql.errors).toBeUndefined();
    expect(gql.data?.clusterSync).toEqual(await sync());
  });

  it('prunes the policies a new version drops, never touches an unmanaged one, and reports that one as drift', async () => {
    const created = await kube.kube<LiveNetworkPolicy>('POST', '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies', networkPolicy('default', 'hand-made'));
    expect(created.status).toBe(201);
    const drifted = await untilSync('the unmanaged policy reported', (s) => s['status'] === 'DRIFTED');
    expect(drifted['drift']).toEqual([{ namespace: 'default', name: 'hand-made', kind: 'UNMANAGED', reason: 'not managed by Palisade' }]);

    const next = [...SEED.filter((p) => p.metadata.name !== 'ingress-access'), networkPolicy('default', 'allow-metrics', { podSelector: { matchLabels: { app: 'myapp' } }, ingress: [{ ports: [{ port: 9090 }] }] })];
    expect(await versions.append('prod', next)).toBe(2);
    const applied = await untilSync('version 2 applied', (s) => s['appliedVersion'] === 2);
    expect(applied['status']).toBe('DRIFTED'); // the hand-made policy is still there
    expect((await live('default', 'ingress-access')).status).toBe(404);
    expect((await live('default', 'allow-metrics')).body.metadata.annotations?.['palisade.io/version']).toBe('2');
    // Unchanged policies are not re-applied for every version.
    expect((await live('default', 'default-deny-all')).body.metadata.annotations?.['palisade.io/version']).toBe('1');
    const untouched = await live('default', 'hand-made');
    expect(untouched.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);
    const audit = await sql.query("SELECT after FROM audit_events WHERE action = 'sync.applied' ORDER BY seq DESC LIMIT 1");
    expect(audit.rows[0].after).toMatchObject({ appliedVersion: 2, changed: 1, unchanged: 4, pruned: 1 });

    await kube.kube('DELETE', '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/hand-made');
    await untilSync('in sync once the hand-made policy is gone', (s) => s['status'] === 'IN_SYNC');
  });

  it("reports another field manager's field as a conflict naming it, does not overwrite it, and takes it over once forced", async () => {
    const edited = await kube.kube(
      'PATCH',
      '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/default-deny-all?fieldManager=kubectl-edit',
      { spec: { podSelector: { matchLabels: { edited: 'by-hand' } } } },
      'application/merge-patch+json',
    );
    expect(edited.status).toBe(200);
    const drifted = await untilSync('the hand edit reported', (s) => s['status'] === 'DRIFTED');
    expect(drifted['drift']).toEqual([{ namespace: 'default', name: 'default-deny-all', kind: 'MODIFIED', reason: 'spec differs from version 2' }]);

    const v2 = (await t.http.get('/api/v1/clusters/prod/versions/2').expect(200)).body.policies as NetworkPolicy[];
    const v3 = v2.map((p) => (p.metadata.name === 'default-deny-all' ? { ...p, spec: { ...p.spec, podSelector: { matchLabels: { tier: 'all' } } } } : p));
    expect(await versions.append('prod', v3)).toBe(3);
    const failed = await untilSync('the conflict reported', (s) => s['status'] === 'FAILED');
    expect(failed).toMatchObject({ desiredVersion: 3, appliedVersion: 2, nextRetryAt: null });
    expect(failed['conflicts']).toEqual([{ namespace: 'default', name: 'default-deny-all', field: '.spec.podSelector', manager: 'kubectl-edit' }]);
    expect(failed['lastError']).toContain('owned by field manager "kubectl-edit"');
    expect((await live('default', 'default-deny-all')).body.spec.podSelector).toEqual({ matchLabels: { edited: 'by-hand' } });
    const audit = await sql.query("SELECT after FROM audit_events WHERE action = 'sync.failed' ORDER BY seq DESC LIMIT 1");
    expect(audit.rows[0].after).toMatchObject({ version: 3, retryable: false, conflicts: [expect.objectContaining({ manager: 'kubectl-edit' })] });

    await t.http.patch('/api/v1/clusters/prod/sync').send({ forceConflicts: true }).expect(200);
    await untilSync('version 3 applied with force', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 3);
    expect((await live('default', 'default-deny-all')).body.spec.podSelector).toEqual({ matchLabels: { tier: 'all' } });
    await t.http.patch('/api/v1/clusters/prod/sync').send({ forceConflicts: false }).expect(200);
  });

  it('marks a version the API server rejects FAILED with its message until a new version arrives', async () => {
    const v3 = (await t.http.get('/api/v1/clusters/prod/versions/3').expect(200)).body.policies as NetworkPolicy[];
    expect(await versions.append('prod', [...v3, networkPolicy('no-such-namespace', 'deny')])).toBe(4);
    const failed = await untilSync('the rejection reported', (s) => s['status'] === 'FAILED' && s['desiredVersion'] === 4);
    expect(failed['lastError']).toContain('namespaces "no-such-namespace" not found');
    expect(failed).toMatchObject({ appliedVersion: 3, nextRetryAt: null });
    const attempts = failed['attempts'];
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await sync()).toMatchObject({ status: 'FAILED', attempts }); // not retried

    expect(await versions.append('prod', v3)).toBe(5);
    await untilSync('version 5 in sync', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 5);
  });

  it('refuses a version using endPort on this 1.20 server, without writing anything', async () => {
    const v5 = (await t.http.get('/api/v1/clusters/prod/versions/5').expect(200)).body.policies as NetworkPolicy[];
    const ranged = networkPolicy('default', 'egress-range', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'TCP', port: 8000, endPort: 8100 }] }] });
    expect(await versions.append('prod', [...v5, ranged])).toBe(6);
    const failed = await untilSync('the endPort refusal', (s) => s['status'] === 'FAILED' && s['desiredVersion'] === 6);
    expect(failed['lastError']).toContain('default/egress-range spec.egress[0].ports[0].endPort');
    expect(failed['lastError']).toContain(`endPort needs Kubernetes 1.22 or later; the cluster runs ${kube.version}`);
    expect((await live('default', 'egress-range')).status).toBe(404);

    await t.http.post('/api/v1/clusters').send({ name: 'fresh' }).expect(201);
    await t.http.put('/api/v1/clusters/fresh/connection').send({ server: kube.url, caData: kube.caData, token: kube.adminToken }).expect(200);
    const refused = await t.http.post('/api/v1/clusters/fresh/versions/import').send({ policies: [ranged] }).expect(400);
    expect(refused.body.code).toBe('UNSUPPORTED_BY_CLUSTER');
    expect(refused.body.detail).toContain('endPort needs Kubernetes 1.22 or later');

    // The same field in a proposal is refused when the proposal is made, and nothing is stored.
    const proposalsBefore = (await t.http.get('/api/v1/clusters/prod/proposals').expect(200)).body.items.length as number;
    const proposed = await t.http
      .post('/api/v1/clusters/prod/proposals')
      .send({ title: 'open a port range', baseVersion: 6, changes: { upsert: [{ ...ranged, metadata: { namespace: 'default', name: 'egress-range-2' } }] } })
      .expect(400);
    expect(proposed.body.code).toBe('UNSUPPORTED_BY_CLUSTER');
    expect(proposed.body.errors[0]).toMatchObject({ path: 'default/egress-range-2.spec.egress[0].ports[0].endPort' });
    expect((await t.http.get('/api/v1/clusters/prod/proposals').expect(200)).body.items).toHaveLength(proposalsBefore);
  });
});
