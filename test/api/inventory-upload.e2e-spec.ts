import { createHash, randomUUID } from 'node:crypto';

import type { Client } from 'pg';
import { stringify } from 'yaml';

import { canonicalJson } from '../../libs/netpol-engine/src';
import { InventorySnapshotEvents, type InventorySnapshotStoredEvent } from '../../libs/policy-sync/src';
import { connectTo } from '../../libs/testing/src';
import {
  cronJob,
  daemonSet,
  deployment,
  job,
  kubectlList,
  namespace,
  networkPolicy,
  pod,
  replicaSet,
  statefulSet,
} from '../support/kubectl-objects';
import { createTestApp, type TestApp } from '../support/test-app';

const MYAPP = { app: 'myapp' };
const MYAPP_POD = { app: 'myapp', 'pod-template-hash': '5d8f7c9b4' };
const HTTP = [{ name: 'http', containerPort: 8080 }];

/** What `kubectl get namespaces,pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json` prints for a small cluster. */
function clusterObjects(): Record<string, unknown>[] {
  return [
    namespace('default'),
    namespace('ingress-nginx', { team: 'edge' }),
    namespace('kube-system'),
    pod('default', 'myapp-5d8f7c9b4-h7xkq', { labels: MYAPP_POD, ip: '10.0.1.5', ports: HTTP, owner: { kind: 'ReplicaSet', name: 'myapp-5d8f7c9b4' } }),
    pod('default', 'myapp-5d8f7c9b4-w2m9p', { labels: MYAPP_POD, ip: '10.0.1.6', ports: HTTP, owner: { kind: 'ReplicaSet', name: 'myapp-5d8f7c9b4' } }),
    pod('default', 'db-0', { labels: { app: 'db' }, ip: '10.0.1.7', ports: [{ name: 'pg', containerPort: 5432 }, { containerPort: 9187 }], owner: { kind: 'StatefulSet', name: 'db' } }),
    pod('default', 'report-28391040-x8k2p', { labels: { job: 'report' }, ip: '10.0.1.8', owner: { kind: 'Job', name: 'report-28391040' } }),
    pod('default', 'debug', { labels: { run: 'debug' } }),
    pod('kube-system', 'kube-proxy-abcde', { labels: { k8s: 'kube-proxy' }, ip: '192.168.1.10', owner: { kind: 'DaemonSet', name: 'kube-proxy' } }),
    deployment('default', 'myapp', MYAPP, 2, HTTP),
    statefulSet('default', 'db', { app: 'db' }, 1, [{ name: 'pg', containerPort: 5432 }]),
    daemonSet('kube-system', 'kube-proxy', { k8s: 'kube-proxy' }),
    replicaSet('default', 'myapp', '5d8f7c9b4', MYAPP, 2, HTTP),
    replicaSet('default', 'myapp', '7c6b5d4f8', MYAPP, 0, HTTP), // the previous revision, scaled down
    job('default', 'report-28391040', { job: 'report' }, 'report'),
    cronJob('default', 'report', { job: 'report' }),
  ];
}

/** The snapshot those objects make: pods resolved to their top-most workload, and nothing for the ReplicaSets or the Job themselves. */
const EXPECTED = {
  namespaces: [
    { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
    { name: 'ingress-nginx', labels: { 'kubernetes.io/metadata.name': 'ingress-nginx', team: 'edge' } },
    { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  ],
  pods: [
    { namespace: 'default', name: 'db-0', labels: { app: 'db' }, ip: '10.0.1.7', ips: ['10.0.1.7'], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }], workload: { kind: 'StatefulSet', name: 'db' } },
    { namespace: 'default', name: 'debug', labels: { run: 'debug' }, ips: [], ports: [], workload: { kind: 'Pod', name: 'debug' } },
    { namespace: 'default', name: 'myapp-5d8f7c9b4-h7xkq', labels: MYAPP_POD, ip: '10.0.1.5', ips: ['10.0.1.5'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], workload: { kind: 'Deployment', name: 'myapp' } },
    { namespace: 'default', name: 'myapp-5d8f7c9b4-w2m9p', labels: MYAPP_POD, ip: '10.0.1.6', ips: ['10.0.1.6'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], workload: { kind: 'Deployment', name: 'myapp' } },
    { namespace: 'default', name: 'report-28391040-x8k2p', labels: { job: 'report' }, ip: '10.0.1.8', ips: ['10.0.1.8'], ports: [], workload: { kind: 'CronJob', name: 'report' } },
    { namespace: 'kube-system', name: 'kube-proxy-abcde', labels: { k8s: 'kube-proxy' }, ip: '192.168.1.10', ips: ['192.168.1.10'], ports: [], workload: { kind: 'DaemonSet', name: 'kube-proxy' } },
  ],
};
const EXPECTED_HASH = createHash('sha256').update(canonicalJson(EXPECTED)).digest('hex');

const asJson = (value: unknown): string => JSON.stringify(value, null, 2);

/** The same objects as `-o yaml` of two kubectl calls, concatenated: several documents. */
function asYaml(objects: Record<string, unknown>[]): string {
  const namespaces = objects.filter((o) => o['kind'] === 'Namespace');
  const rest = objects.filter((o) => o['kind'] !== 'Namespace');
  return `${stringify(kubectlList(...namespaces))}---\n${stringify(kubectlList(...rest))}`;
}

describe('inventory upload (PUT /api/v1/clusters/{name}/inventory, uploadInventory)', () => {
  let t: TestApp;
  let sql: Client;

  const put = (body: string, type = 'application/json', token?: string) =>
    (token ? t.as(token) : t.http).put('/api/v1/clusters/prod/inventory').set('Content-Type', type).send(body);
  const snapshotCount = async (): Promise<number> => (await sql.query('SELECT count(*)::int AS n FROM inventory_snapshots')).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
    await t.http.post('/api/v1/clusters').send({ name: 'dev' }).expect(201);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('stores a JSON List as a snapshot with source UPLOAD, each pod under its top-most workload, and audits it', async () => {
    const before = Date.now();
    const response = await put(asJson(kubectlList(...clusterObjects()))).expect(201);
    expect(response.body).toEqual({ id: expect.any(String), takenAt: expect.any(String), source: 'UPLOAD', contentHash: EXPECTED_HASH, namespaceCount: 3, podCount: 6 });
    expect(new Date(response.body.takenAt as string).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const latest = await t.http.get('/api/v1/clusters/prod/inventory').expect(200);
    expect(latest.body).toEqual({ ...response.body, cluster: 'prod', ...EXPECTED });

    const { rows } = await sql.query('SELECT source, content_hash, namespace_count, pod_count FROM inventory_snapshots WHERE id = $1', [response.body.id]);
    expect(rows).toEqual([{ source: 'UPLOAD', content_hash: EXPECTED_HASH, namespace_count: 3, pod_count: 6 }]);

    const events = await sql.query("SELECT actor_name, cluster_name, subject_type, subject_id, before, after FROM audit_events WHERE action = 'inventory.uploaded'");
    expect(events.rows).toEqual([
      {
        actor_name: 'bootstrap-admin',
        cluster_name: 'prod',
        subject_type: 'inventory_snapshot',
        subject_id: response.body.id,
        before: null,
        after: { source: 'UPLOAD', takenAt: response.body.takenAt, contentHash: EXPECTED_HASH, namespaceCount: 3, podCount: 6 },
      },
    ]);
  });

  it('reads the same objects as YAML (several documents, application/yaml or text/yaml) into the same content', async () => {
    const first = await put(asYaml(clusterObjects()), 'application/yaml').expect(201);
    const second = await put(asYaml(clusterObjects()), 'text/yaml').expect(201);
    for (const response of [first, second]) expect(response.body).toMatchObject({ source: 'UPLOAD', contentHash: EXPECTED_HASH, namespaceCount: 3, podCount: 6 });
    const latest = await t.http.get('/api/v1/clusters/prod/inventory').expect(200);
    expect(latest.body).toEqual({ ...second.body, cluster: 'prod', ...EXPECTED });
    const list = await t.http.get('/api/v1/clusters/prod/inventory/snapshots').expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id).slice(0, 2)).toEqual([second.body.id, first.body.id]);
  });

  it('creates reporter tokens through REST and GraphQL, and names the roles when one is unknown', async () => {
    const rest = await t.http.post('/api/v1/tokens').send({ name: 'ci-inventory', kind: 'bot', roles: ['reporter'], clusters: ['prod'] }).expect(201);
    expect(rest.body).toMatchObject({ roles: ['reporter'], clusters: ['prod'] });
    const gql = await t.gql<{ createApiToken: { roles: string[] } }>('mutation { createApiToken(input: {name: "gql-reporter", kind: "bot", roles: ["reporter"]}) { secret roles } }');
    expect(gql.data?.createApiToken.roles).toEqual(['reporter']);
    const { rows } = await sql.query("SELECT t.roles::text[] AS roles FROM api_tokens t JOIN principals p ON p.id = t.principal_id WHERE p.name IN ('ci-inventory', 'gql-reporter')");
    expect(rows).toEqual([{ roles: ['REPORTER'] }, { roles: ['REPORTER'] }]);
    const unknown = await t.http.post('/api/v1/tokens').send({ name: 'x', kind: 'bot', roles: ['uploader'] }).expect(400);
    expect(unknown.body.errors).toEqual([{ path: 'roles', message: 'each role must be one of admin, approver, proposer, auditor, reporter' }]);
  });

  it('lets a reporter upload and nothing else; proposers, auditors and approvers may not upload', async () => {
    const reporter = await t.mintToken({ name: 'inventory-agent', kind: 'bot', roles: ['reporter'] });
    const uploaded = await put(asJson(kubectlList(...clusterObjects())), 'application/json', reporter.token).expect(201);
    const { rows } = await sql.query("SELECT actor_name FROM audit_events WHERE action = 'inventory.uploaded' AND subject_id = $1", [uploaded.body.id]);
    expect(rows).toEqual([{ actor_name: 'inventory-agent' }]);

    const as = t.as(reporter.token);
    const refused = [
      await as.get('/api/v1/clusters'),
      await as.get('/api/v1/clusters/prod'),
      await as.get('/api/v1/clusters/prod/inventory'),
      await as.get('/api/v1/clusters/prod/inventory/snapshots'),
      await as.get('/api/v1/clusters/prod/versions'),
      await as.get('/api/v1/clusters/prod/proposals'),
      await as.get(`/api/v1/proposals/${randomUUID()}`),
      await as.post('/api/v1/clusters/prod/proposals').send({ title: 'x', baseVersion: 0, changes: { upsert: [] } }),
      await as.post(`/api/v1/proposals/${randomUUID()}/reviews`).send({ verdict: 'APPROVE' }),
      await as.post(`/api/v1/proposals/${randomUUID()}/merge`),
      await as.get('/api/v1/me'),
      await as.get('/api/v1/audit'),
      await as.post('/api/v1/tokens').send({ name: 'x', kind: 'bot', roles: ['reporter'] }),
    ];
    for (const response of refused) expect({ status: response.status, code: response.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const gql = await t.gql('{ clusters { name } }', undefined, reporter.token);
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const gqlInventory = await t.gql('{ inventory(cluster: "prod") { id } }', undefined, reporter.token);
    expect(gqlInventory.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const count = await snapshotCount();
    for (const role of ['proposer', 'auditor', 'approver'] as const) {
      const other = await t.mintToken({ name: `just-${role}`, roles: [role] });
      const response = await put(asJson(kubectlList(...clusterObjects())), 'application/json', other.token).expect(403);
      expect(response.body.code).toBe('FORBIDDEN');
    }
    expect(await snapshotCount()).toBe(count);
  });

  it('applies the cluster scope: elsewhere is refused exactly like a cluster that does not exist', async () => {
    const scoped = await t.mintToken({ name: 'dev-agent', kind: 'bot', roles: ['reporter'], clusters: ['dev'] });
    const count = await snapshotCount();
    const body = asJson(kubectlList(...clusterObjects()));
    const existing = await t.as(scoped.token).put('/api/v1/clusters/prod/inventory').set('Content-Type', 'application/json').send(body).expect(403);
    const missing = await t.as(scoped.token).put('/api/v1/clusters/nowhere/inventory').set('Content-Type', 'application/json').send(body).expect(403);
    expect(existing.body.code).toBe('FORBIDDEN');
    expect(missing.body.detail).toBe(existing.body.detail.replace('prod', 'nowhere'));
    expect(await snapshotCount()).toBe(count);
    await t.as(scoped.token).put('/api/v1/clusters/dev/inventory').set('Content-Type', 'application/json').send(body).expect(201);
    const unknown = await t.http.put('/api/v1/clusters/nowhere/inventory').set('Content-Type', 'application/json').send(body).expect(404);
    expect(unknown.body.code).toBe('CLUSTER_NOT_FOUND');
  });

  it('answers malformed input with 400 and file-less located errors, and stores nothing', async () => {
    const count = await snapshotCount();
    const yaml = `${stringify(kubectlList(namespace('default')))}---\nkind: List\napiVersion: v1\nitems:\n  - kind: Pod\n    apiVersion: v1\n\t  metadata: {}\n`;
    const syntax = await put(yaml, 'application/yaml').expect(400);
    expect(syntax.body.code).toBe('INVENTORY_INVALID');
    const tabbed = yaml.split('\n').indexOf('\t  metadata: {}') + 1;
    expect(syntax.body.errors[0]).toEqual({ document: 2, line: tabbed, path: '', message: expect.stringMatching(/^YAML syntax error: .*\(check the indentation of this line\)$/) });

    const objects = clusterObjects();
    const broken = objects.map((o, i) => (i === 4 ? { ...o, metadata: { ...(o['metadata'] as object), name: undefined } } : o));
    const bad = (broken[5] as { spec: { containers: { ports: { containerPort: number }[] }[] } }).spec.containers[0]!.ports[0]!;
    bad.containerPort = 70000;
    const text = asJson(kubectlList(...broken));
    const invalid = await put(text).expect(400);
    expect(invalid.body.code).toBe('INVENTORY_INVALID');
    const lines = text.split('\n');
    const lineOf = (found: (line: string) => boolean, from = 0): number => lines.findIndex((l, i) => i >= from && found(l)) + 1;
    const itemStarts = lines.flatMap((l, i) => (l === '    {' ? [i] : [])); // JSON.stringify(…, null, 2) puts each item of `items` there
    expect(invalid.body.errors).toEqual([
      { document: 1, line: lineOf((l) => l.includes('"metadata"'), itemStarts[4]), path: 'items[4].metadata.name', message: 'is required' },
      { document: 1, line: lineOf((l) => l.includes('"containerPort": 70000')), path: 'items[5].spec.containers[0].ports[0].containerPort', message: expect.stringContaining('between 1 and 65535') },
    ]);
    expect(invalid.body.detail).toMatch(/^2 errors in the inventory: document 1 \(line \d+\): items\[4\]\.metadata\.name: is required; /);
    expect(JSON.stringify(invalid.body)).not.toMatch(/"source"/);
    expect(await snapshotCount()).toBe(count);
  });

  it('lists at most 100 errors and gives the total', async () => {
    const pods = Array.from({ length: 150 }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default' } }));
    const response = await put(asJson(kubectlList(...pods))).expect(400);
    expect(response.body.errors).toHaveLength(100);
    expect(response.body.errors[0]).toEqual({ document: 1, line: expect.any(Number), path: 'items[0].spec', message: 'is required' });
    expect(response.body.detail).toMatch(/^150 errors in the inventory \(the first 100 are listed\): /);
  });

  it('refuses NetworkPolicies, naming each with its place: an inventory is not a policy set', async () => {
    const count = await snapshotCount();
    const objects = [...clusterObjects(), networkPolicy('default', 'deny-all')];
    const response = await put(asJson(kubectlList(...objects))).expect(400);
    expect(response.body.code).toBe('INVENTORY_INVALID');
    expect(response.body.errors).toEqual([
      { document: 1, line: expect.any(Number), path: `items[${objects.length - 1}]`, message: expect.stringMatching(/^NetworkPolicy default\/deny-all: an inventory holds namespaces, pods and workloads, not policies/) },
    ]);
    expect(await snapshotCount()).toBe(count);
  });

  it('refuses an upload without any namespace, pod or workload, and a body of another type', async () => {
    const empty = await put(asJson(kubectlList())).expect(400);
    expect(empty.body).toMatchObject({ code: 'INVENTORY_INVALID', errors: [{ document: 1, path: '', message: expect.stringMatching(/^no Namespace, Pod or workload/) }] });
    const plain = await put(asJson(kubectlList(...clusterObjects())), 'text/plain').expect(415);
    expect(plain.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('tells the listeners of InventorySnapshotEvents after the commit, and a failing listener fails nothing', async () => {
    const events = t.app.get(InventorySnapshotEvents);
    const seen: { event: InventorySnapshotStoredEvent; rows: number }[] = [];
    const stopFailing = events.subscribe(() => {
      throw new Error('listener broke');
    });
    const stopRejecting = events.subscribe(() => Promise.reject(new Error('listener rejected')));
    const stop = events.subscribe((event) => {
      void sql.query('SELECT count(*)::int AS n FROM inventory_snapshots WHERE id = $1', [event.snapshotId]).then((r) => seen.push({ event, rows: r.rows[0].n as number }));
    });
    try {
      const response = await put(asJson(kubectlList(...clusterObjects()))).expect(201);
      await vi.waitFor(() => expect(seen).toHaveLength(1));
      const clusterId = (await sql.query("SELECT id FROM clusters WHERE name = 'prod'")).rows[0].id as string;
      expect(seen).toEqual([{ event: { clusterId, clusterName: 'prod', snapshotId: response.body.id }, rows: 1 }]);
    } finally {
      stop();
      stopFailing();
      stopRejecting();
    }
  });

  it('uploads through GraphQL (JSON or YAML text) and refuses the same roles', async () => {
    const mutation = `mutation($cluster: String!, $input: UploadInventoryInput!) {
      uploadInventory(cluster: $cluster, input: $input) { id cluster source contentHash namespaceCount podCount namespaces { name labels } pods { namespace name labels ip ips ports { name port protocol } workload { kind name } } }
    }`;
    const reporter = await t.mintToken({ name: 'gql-agent', kind: 'bot', roles: ['reporter'] });
    const fromJson = await t.gql<{ uploadInventory: Record<string, unknown> }>(mutation, { cluster: 'prod', input: { manifests: asJson(kubectlList(...clusterObjects())) } });
    const fromYaml = await t.gql<{ uploadInventory: Record<string, unknown> }>(mutation, { cluster: 'prod', input: { manifests: asYaml(clusterObjects()) } }, reporter.token);
    const withNulls = { ...EXPECTED, pods: EXPECTED.pods.map((p) => ({ ip: null, ...p })) };
    for (const result of [fromJson, fromYaml]) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.uploadInventory).toEqual({ id: expect.any(String), cluster: 'prod', source: 'UPLOAD', contentHash: EXPECTED_HASH, namespaceCount: 3, podCount: 6, ...withNulls });
    }
    const latest = await t.http.get('/api/v1/clusters/prod/inventory').expect(200);
    expect(latest.body.id).toBe(fromYaml.data?.uploadInventory['id']);

    const count = await snapshotCount();
    const proposer = await t.mintToken({ name: 'gql-proposer', roles: ['proposer'] });
    const refused = await t.gql(mutation, { cluster: 'prod', input: { manifests: asJson(kubectlList(...clusterObjects())) } }, proposer.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const invalid = await t.gql(mutation, { cluster: 'prod', input: { manifests: 'kind: Pod\napiVersion: v1\n' } });
    expect(invalid.errors?.[0]?.extensions).toMatchObject({
      code: 'INVENTORY_INVALID',
      details: [
        { document: 1, line: 1, path: 'metadata', message: 'is required' },
        { document: 1, line: 1, path: 'spec', message: 'is required' },
      ],
    });
    expect(await snapshotCount()).toBe(count);
  });
});
