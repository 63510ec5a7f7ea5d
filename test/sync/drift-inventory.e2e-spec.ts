import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';
import { networkPolicy, SEED_POLICIES_YAML, startTestWorker, type TestWorker, waitFor } from '../support/sync-harness';
import { createTestApp, type TestApp } from '../support/test-app';

const NP = '/apis/networking.k8s.io/v1/namespaces';

interface SnapshotPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip?: string;
  ips: string[];
  ports: { name: string; port: number; protocol: string }[];
  workload: { kind: string; name: string };
}

interface Snapshot {
  id: string;
  takenAt: string;
  namespaces: { name: string; labels: Record<string, string> }[];
  pods: SnapshotPod[];
}

describeWithKube('drift and inventory (real kube-apiserver, watches)', () => {
  let kube: KubeApiServer;
  let t: TestApp;
  let sql: Client;
  let worker: TestWorker;

  const sync = async (): Promise<Record<string, unknown>> => (await t.http.get('/api/v1/clusters/prod/sync').expect(200)).body;
  const untilSync = (what: string, match: (s: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> =>
    waitFor(what, async () => {
      const s = await sync();
      return match(s) ? s : undefined;
    }, timeoutMs);
  const driftOf = (s: Record<string, unknown>): string[] =>
    (s['drift'] as { kind: string; namespace: string; name: string }[]).map((d) => `${d.kind} ${d.namespace}/${d.name}`);
  const auditActions = async (): Promise<string[]> =>
    (await sql.query<{ action: string }>("SELECT action FROM audit_events WHERE action LIKE 'sync.%' ORDER BY seq")).rows.map((r) => r.action);

  beforeAll(async () => {
    [kube, t] = await Promise.all([startKubeApiServer(), createTestApp()]);
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
    await t.http.put('/api/v1/clusters/prod/connection').send({ server: kube.url, caData: kube.caData, token: kube.adminToken }).expect(200);
    await t.http.post('/api/v1/clusters/prod/versions/import').set('Content-Type', 'application/yaml').send(SEED_POLICIES_YAML).expect(201);
    worker = await startTestWorker(t.db.appUrl, 'w1');
    await untilSync('version 1 in sync', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 1, 20_000);
  });
  afterAll(async () => {
    await worker?.close();
    await sql?.end();
    await t?.close();
    await kube?.stop();
  });

  describe('report mode (the default)', () => {
    it('reports a hand edit within seconds, naming the object, with an audit event by the worker', async () => {
      const started = Date.now();
      await kube.kube('PATCH', `${NP}/default/networkpolicies/egress-access-myapp`, { spec: { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] } }, 'application/merge-patch+json');
      const drifted = await untilSync('the edit reported', (s) => s['status'] === 'DRIFTED');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(drifted['drift']).toEqual([{ namespace: 'default', name: 'egress-access-myapp', kind: 'MODIFIED', reason: 'spec differs from version 1' }]);
      expect(drifted['driftDetectedAt']).toEqual(expect.any(String));
      const audit = await sql.query("SELECT actor_name, actor_kind, after FROM audit_events WHERE action = 'sync.drift_detected'");
      expect(audit.rows).toEqual([
        {
          actor_name: 'sync-worker/w1',
          actor_kind: 'system',
          after: expect.objectContaining({ status: 'DRIFTED', drift: [expect.objectContaining({ name: 'egress-access-myapp', kind: 'MODIFIED' })] }),
        },
      ]);
    });

    it('adds a hand deletion and a new unmanaged policy to the drift, and leaves all of it alone', async () => {
      await kube.kube('DELETE', `${NP}/default/networkpolicies/ingress-access`);
      await kube.kube('POST', `${NP}/default/networkpolicies`, networkPolicy('default', 'allow-all-by-hand', { podSelector: {}, ingress: [{}] }));
      const drifted = await untilSync('three drifted objects', (s) => (s['drift'] as unknown[]).length === 3);
      expect(driftOf(drifted)).toEqual(['UNMANAGED default/allow-all-by-hand', 'MODIFIED default/egress-access-myapp', 'DELETED default/ingress-access']);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((await kube.kube('GET', `${NP}/default/networkpolicies/ingress-access`)).status).toBe(404);
      expect((await sync())['status']).toBe('DRIFTED');
    });
  });

  describe('heal mode', () => {
    it('re-applies the version (audited as a heal) and keeps reporting what it must not touch', async () => {
      const settings = await t.http.patch('/api/v1/clusters/prod/sync').send({ mode: 'heal' }).expect(200);
      expect(settings.body.mode).toBe('heal');
      const healed = await untilSync('healed but for the unmanaged policy', (s) => driftOf(s).join() === 'UNMANAGED default/allow-all-by-hand');
      expect(healed['status']).toBe('DRIFTED');
      const restored = await kube.kube<{ spec: { egress: unknown[] } }>('GET', `${NP}/default/networkpolicies/egress-access-myapp`);
      expect(restored.body.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
      expect((await kube.kube('GET', `${NP}/default/networkpolicies/ingress-access`)).status).toBe(200);
      expect((await kube.kube('GET', `${NP}/default/networkpolicies/allow-all-by-hand`)).status).toBe(200);
      const heal = await sql.query("SELECT actor_name, before, after FROM audit_events WHERE action = 'sync.healed'");
      expect(heal.rows).toHaveLength(1);
      expect(heal.rows[0]).toMatchObject({ actor_name: 'sync-worker/w1', after: { appliedVersion: 1, changed: 2, forced: true } });

      await kube.kube('DELETE', `${NP}/default/networkpolicies/allow-all-by-hand`);
      await untilSync('in sync', (s) => s['status'] === 'IN_SYNC');
    });

    it('heals a hand deletion within seconds', async () => {
      const heals = (await auditActions()).filter((a) => a === 'sync.healed').length;
      await kube.kube('DELETE', `${NP}/default/networkpolicies/default-deny-all`);
      await waitFor('the deleted policy re-created', async () => (await kube.kube('GET', `${NP}/default/networkpolicies/default-deny-all`)).status === 200, 8000);
      await untilSync('in sync', (s) => s['status'] === 'IN_SYNC');
      const actions = await auditActions();
      expect(actions.filter((a) => a === 'sync.healed')).toHaveLength(heals + 1);
      expect(actions.slice(-3)).toContain('sync.drift_detected');
      await t.http.patch('/api/v1/clusters/prod/sync').send({ mode: 'report' }).expect(200);
    });
  });

  describe('inventory', () => {
    const latest = async (): Promise<Snapshot> => (await t.http.get('/api/v1/clusters/prod/inventory').expect(200)).body as Snapshot;
    const untilPod = (what: string, match: (pod: SnapshotPod | undefined, s: Snapshot) => boolean): Promise<Snapshot> =>
      waitFor(what, async () => {
        const response = await t.http.get('/api/v1/clusters/prod/inventory');
        if (response.status !== 200) return undefined;
        const snapshot = response.body as Snapshot;
        return match(snapshot.pods.find((p) => p.namespace === 'shop' && p.name === 'web-7d4b9-x2x'), snapshot) ? snapshot : undefined;
      }, 10_000);

    it('tracks a pod created (with IP, named ports and its Deployment), relabelled and deleted', async () => {
      await kube.kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'web' } } });
      const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9000 }] }] } };
      const deployment = await kube.kube<{ metadata: { uid: string } }>('POST', '/apis/apps/v1/namespaces/shop/deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { selector: { matchLabels: { app: 'web' } }, template },
      });
      const replicaSet = await kube.kube<{ metadata: { uid: string } }>('POST', '/apis/apps/v1/namespaces/shop/replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-7d4b9', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployment.body.metadata.uid, controller: true }] },
        spec: { selector: { matchLabels: { app: 'web' } }, template },
      });
      const pod = await kube.kube('POST', '/api/v1/namespaces/shop/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-7d4b9-x2x', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9', uid: replicaSet.body.metadata.uid, controller: true }] },
        spec: template.spec,
      });
      expect(pod.status).toBe(201);
      // No kubelet runs here: give the pod its IP the way one would.
      await kube.kube('PATCH', '/api/v1/namespaces/shop/pods/web-7d4b9-x2x/status', { status: { podIP: '10.1.2.3', podIPs: [{ ip: '10.1.2.3' }] } }, 'application/merge-patch+json');

      const created = await untilPod('the pod with its IP', (p) => p?.ip === '10.1.2.3');
      expect(created.pods.find((p) => p.name === 'web-7d4b9-x2x')).toEqual({
        namespace: 'shop',
        name: 'web-7d4b9-x2x',
        labels: { app: 'web' },
        ip: '10.1.2.3',
        ips: ['10.1.2.3'],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        workload: { kind: 'Deployment', name: 'web' },
      });
      expect(created.namespaces).toContainEqual({ name: 'shop', labels: { team: 'web' } });

      await kube.kube('PATCH', '/api/v1/namespaces/shop/pods/web-7d4b9-x2x', { metadata: { labels: { app: 'web', tier: 'frontend' } } }, 'application/merge-patch+json');
      const relabelled = await untilPod('the new label', (p) => p?.labels['tier'] === 'frontend');
      expect(Date.parse(relabelled.takenAt)).toBeGreaterThan(Date.parse(created.takenAt));

      await kube.kube('DELETE', '/api/v1/namespaces/shop/pods/web-7d4b9-x2x');
      const deleted = await untilPod('the pod gone', (p) => p === undefined);
      expect(deleted.id).not.toBe(relabelled.id);

      const list = await t.http.get('/api/v1/clusters/prod/inventory/snapshots?limit=100').expect(200);
      const ids = list.body.items.map((s: { id: string }) => s.id);
      expect(ids.slice(0, 1)).toEqual([deleted.id]);
      expect(ids).toEqual(expect.arrayContaining([created.id, relabelled.id]));
      const old = await t.http.get(`/api/v1/clusters/prod/inventory/snapshots/${created.id}`).expect(200);
      expect(old.body.pods.map((p: SnapshotPod) => p.name)).toContain('web-7d4b9-x2x');
      await t.http.get('/api/v1/clusters/prod/inventory/snapshots/not-an-id').expect(404);
    });

    it('resolves Job → CronJob, and GraphQL serves the same snapshot', async () => {
      const cronJob = await kube.kube<{ metadata: { uid: string } }>('POST', '/apis/batch/v1beta1/namespaces/shop/cronjobs', {
        apiVersion: 'batch/v1beta1',
        kind: 'CronJob',
        metadata: { name: 'nightly' },
        spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox' }] } } } } },
      });
      expect(cronJob.status).toBe(201);
      const job = await kube.kube<{ metadata: { uid: string } }>('POST', '/apis/batch/v1/namespaces/shop/jobs', {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'nightly-1', ownerReferences: [{ apiVersion: 'batch/v1beta1', kind: 'CronJob', name: 'nightly', uid: cronJob.body.metadata.uid, controller: true }] },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox' }] } } },
      });
      expect(job.status).toBe(201);
      await kube.kube('POST', '/api/v1/namespaces/shop/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'nightly-1-abcde', labels: { job: 'nightly' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-1', uid: job.body.metadata.uid, controller: true }] },
        spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox' }] },
      });
      const snapshot = await waitFor('the job pod', async () => {
        const s = await latest();
        return s.pods.some((p) => p.name === 'nightly-1-abcde') ? s : undefined;
      });
      expect(snapshot.pods.find((p) => p.name === 'nightly-1-abcde')?.workload).toEqual({ kind: 'CronJob', name: 'nightly' });

      const gql = await t.gql<{ inventory: Record<string, unknown> }>(
        '{ inventory(cluster: "prod") { id cluster takenAt source namespaceCount podCount contentHash namespaces { name labels } pods { namespace name labels ip ips ports { name port protocol } workload { kind name } } } }',
      );
      expect(gql.errors).toBeUndefined();
      const rest = await latest();
      expect(gql.data?.inventory).toEqual({ ...rest, pods: rest.pods.map((p) => ({ ip: null, ...p })) });
    });
  });
});
