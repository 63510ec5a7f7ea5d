import { Writable } from 'node:stream';

import { HealthServer } from '../../apps/sync-worker/src/health/health-server';
import { createLogger } from '../../libs/observability/src';
import { connectTo } from '../../libs/testing/src';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';
import { SEED_POLICIES_YAML, startTestWorker, type TestWorker, waitFor } from '../support/sync-harness';
import { createTestApp, type MintedToken, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

/** Everything a logger writes, as text. */
class LogCapture extends Writable {
  private readonly chunks: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }

  get text(): string {
    return this.chunks.join('');
  }

  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

function kubeconfig(server: string, caData: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': caData } }],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

/**
 * A full change flow (tokens, a cluster registered with a kubeconfig, propose, approve, merge, the
 * worker applying it) with the API's and the worker's logs captured at debug level: no secret in
 * them, one access line per request; then the worker's /metrics and /readyz, database gone included.
 */
describeWithKube('operations: logs without secrets, worker metrics and readiness (real kube-apiserver)', () => {
  let kube: KubeApiServer;
  let t: TestApp;
  let worker: TestWorker;
  let bot: MintedToken;
  let alice: MintedToken;
  let mergeRequestId: string;
  const apiLogs = new LogCapture();
  const workerLogs = new LogCapture();

  const workerUrl = (path: string): string => `http://127.0.0.1:${worker.app.get(HealthServer).port}${path}`;
  const sync = async (): Promise<Record<string, unknown>> => (await t.http.get('/api/v1/clusters/prod/sync').expect(200)).body;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    t = await createTestApp({}, { logger: createLogger({ service: 'api', level: 'debug', format: 'json', destination: apiLogs, isTty: false }) });
    bot = await t.mintToken({ name: 'gitops-bot', kind: 'bot', roles: ['proposer'], clusters: ['prod'] });
    alice = await t.mintToken({ name: 'alice', roles: ['approver'], groups: ['security'] });
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
    await t.http.put('/api/v1/clusters/prod/connection').send({ kubeconfig: kubeconfig(kube.url, kube.caData, kube.adminToken) }).expect(200);
    const legacy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'legacy-allow-web', namespace: 'default' }, spec: { podSelector: {}, ingress: [{}] } };
    await t.http.post('/api/v1/clusters/prod/versions/import').send({ policies: [legacy] }).expect(201);
    worker = await startTestWorker(t.db.appUrl, 'ops', { LOG_LEVEL: 'debug' }, {
      logger: createLogger({ service: 'sync-worker', level: 'debug', format: 'json', destination: workerLogs, isTty: false }),
    });
    await waitFor('version 1 live', async () => (await sync())['status'] === 'IN_SYNC');
    await waitFor('the settled inventory snapshot', async () => {
      const inventory = await t.http.get('/api/v1/clusters/prod/inventory');
      return inventory.status === 200 && (inventory.body.namespaces as { name: string }[]).some((ns) => ns.name === 'kube-node-lease');
    });
    const created = await t
      .as(bot.token)
      .post('/api/v1/clusters/prod/proposals?mode=replace&baseVersion=1&title=Lock%20down')
      .set('Content-Type', 'application/yaml')
      .set('Prefer', 'wait=30')
      .send(SEED_POLICIES_YAML)
      .expect(201);
    await t.as(alice.token).post(`/api/v1/proposals/${created.body.id}/reviews`).send({ verdict: 'APPROVE' }).expect(201);
    const merged = await t.as(bot.token).post(`/api/v1/proposals/${created.body.id}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    mergeRequestId = merged.headers['x-request-id'] as string;
    await waitFor('version 2 in sync', async () => {
      const state = await sync();
      return state['status'] === 'IN_SYNC' && state['appliedVersion'] === 2;
    });
    await t.anonymous.get('/api/v1/clusters').expect(401);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await kube?.stop();
  });

  it('logs neither API tokens nor the kubeconfig or its credentials, from the API or the worker', () => {
    const logs = apiLogs.text + workerLogs.text;
    expect(apiLogs.text.length).toBeGreaterThan(0);
    expect(workerLogs.text.length).toBeGreaterThan(0);
    for (const secret of [TEST_ADMIN_TOKEN, bot.token, alice.token, kube.adminToken]) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('certificate-authority-data');
    expect(logs.toLowerCase()).not.toContain('bearer ');
  });

  it('writes one JSON access line per request: request id, principal, route template, status, duration', () => {
    const lines = apiLogs.lines();
    const merge = lines.find((line) => line['requestId'] === mergeRequestId);
    expect(merge).toMatchObject({
      service: 'api',
      level: 30,
      msg: 'POST /api/v1/proposals/:id/merge 200',
      principal: 'gitops-bot',
      method: 'POST',
      route: '/api/v1/proposals/:id/merge',
      status: 200,
    });
    expect(typeof merge?.['durationMs']).toBe('number');
    const refused = lines.find((line) => line['route'] === '/api/v1/clusters' && line['status'] === 401);
    expect(refused).toMatchObject({ level: 40, principal: null, method: 'GET' });
    expect(lines.filter((line) => line['route'] === '/api/v1/clusters/:name/connection')).toHaveLength(1);
  });

  it('serves the worker /metrics: lease ownership, sync status, drift and apply durations per cluster', async () => {
    const text = await (await fetch(workerUrl('/metrics'))).text();
    expect(text).toMatch(/palisade_sync_lease_owned\{cluster="prod"\} 1\n/);
    expect(text).toMatch(/palisade_cluster_sync_status\{cluster="prod",status="IN_SYNC"\} 1\n/);
    expect(text).toMatch(/palisade_cluster_sync_status\{cluster="prod",status="FAILED"\} 0\n/);
    expect(text).toMatch(/palisade_cluster_drift_objects\{cluster="prod"\} 0\n/);
    const applies = /palisade_apply_duration_seconds_count\{cluster="prod",mode="apply",outcome="applied"\} (\d+)\n/.exec(text);
    expect(Number(applies?.[1])).toBeGreaterThanOrEqual(2); // version 1, then the merged version 2
    expect(text).toMatch(/palisade_db_pool_connections\{state="max"\} 4\n/);

    const api = (await t.anonymous.get('/metrics').expect(200)).text;
    expect(api).toMatch(/palisade_proposals\{status="MERGED"\} 1\n/);
    expect(api).toMatch(/palisade_analysis_duration_seconds_count\{kind="change",outcome="ok"\} [1-9]\d*\n/);
    expect(api).toMatch(/palisade_audit_append_duration_seconds_count\{action="proposal.merged"\} 1\n/);
  });

  it('answers the worker /healthz and /readyz, and 405 for another method', async () => {
    expect(await (await fetch(workerUrl('/healthz'))).json()).toEqual({ status: 'ok' });
    const ready = await fetch(workerUrl('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'ok', leases: 'renewing', heldClusters: 1 });
    const post = await fetch(workerUrl('/readyz'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(workerUrl('/nothing'))).status).toBe(404);
  });

  it('answers 503 on the worker /readyz while the database is gone, and 200 again once it is back', async () => {
    const admin = await connectTo(t.db.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1'));
    try {
      await admin.query(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [t.db.name]);
      const down = await fetch(workerUrl('/readyz'));
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'database unreachable' });
      expect((await fetch(workerUrl('/healthz'))).status).toBe(200);
    } finally {
      await admin.query(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await waitFor('the worker ready again', async () => (await fetch(workerUrl('/readyz'))).status === 200);
  });
});
