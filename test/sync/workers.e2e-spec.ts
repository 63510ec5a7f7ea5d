import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { FaultProxy } from '../support/fault-proxy';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';
import { networkPolicy, startTestWorker, TEST_WORKER_ENV, type TestWorker, waitFor } from '../support/sync-harness';
import { createTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const isPatch = (r: { method: string }): boolean => r.method === 'PATCH';

describeWithKube('workers, leases and faults (real kube-apiserver behind a fault-injecting proxy)', () => {
  let kube: KubeApiServer;
  let t: TestApp;
  let sql: Client;
  const proxies: FaultProxy[] = [];
  const workers: TestWorker[] = [];

  const proxy = async (): Promise<FaultProxy> => {
    const p = await FaultProxy.start({ target: kube.url, caPem: kube.caPem, certPem: kube.servingCertPem, keyPem: kube.servingKeyPem });
    proxies.push(p);
    return p;
  };
  const worker = async (id: string, env: Record<string, string> = {}): Promise<TestWorker> => {
    const w = await startTestWorker(t.db.appUrl, id, env);
    workers.push(w);
    return w;
  };
  const stopWorkers = async (): Promise<void> => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  };
  const sync = async (cluster: string): Promise<Record<string, unknown>> => (await t.http.get(`/api/v1/clusters/${cluster}/sync`).expect(200)).body;
  const untilSync = (cluster: string, what: string, match: (s: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> =>
    waitFor(`${cluster}: ${what}`, async () => {
      const s = await sync(cluster);
      return match(s) ? s : undefined;
    }, timeoutMs);
  /** A cluster with its own namespace, connected through `via` (a proxy URL) or directly. */
  const cluster = async (name: string, via?: string): Promise<void> => {
    await kube.kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${name}` } });
    await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    await t.http.put(`/api/v1/clusters/${name}/connection`).send({ server: via ?? kube.url, caData: kube.caData, token: kube.adminToken }).expect(200);
  };
  const policies = (name: string, count: number, prefix = 'p'): Record<string, unknown>[] =>
    Array.from({ length: count }, (_, i) => networkPolicy(`ns-${name}`, `${prefix}-${String(i).padStart(3, '0')}`, { podSelector: { matchLabels: { app: `a${i}` } }, policyTypes: ['Ingress'] }));
  const importVersion = async (name: string, list: Record<string, unknown>[]): Promise<void> => {
    await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies: list }).expect(201);
  };
  const liveCount = async (name: string): Promise<number> =>
    (await kube.kube<{ items: unknown[] }>('GET', `/apis/networking.k8s.io/v1/namespaces/ns-${name}/networkpolicies`)).body.items.length;
  const audit = async (cluster: string, action: string): Promise<{ actor_name: string; after: Record<string, unknown> }[]> =>
    (await sql.query('SELECT actor_name, after FROM audit_events WHERE cluster_name = $1 AND action = $2 ORDER BY seq', [cluster, action])).rows;

  beforeAll(async () => {
    [kube, t] = await Promise.all([startKubeApiServer(), createTestApp()]);
    sql = await connectTo(t.db.url);
  });
  afterEach(stopWorkers);
  afterAll(async () => {
    await stopWorkers();
    await Promise.all(proxies.map((p) => p.stop()));
    await sql?.end();
    await t?.close();
    await kube?.stop();
  });

  it('retries with backoff while the API server is down (attempts and next retry visible), then gets IN_SYNC', async () => {
    const p = await proxy();
    await cluster('down', p.url);
    await p.setDown(true);
    await worker('w-down');
    await importVersion('down', policies('down', 3));
    const retrying = await untilSync('down', 'two failed attempts', (s) => s['status'] === 'UNREACHABLE' && (s['attempts'] as number) >= 2);
    expect(retrying['lastError']).toMatch(/ECONNREFUSED/);
    expect(Date.parse(retrying['nextRetryAt'] as string)).toBeGreaterThan(Date.parse(retrying['lastErrorAt'] as string));
    const failures = await audit('down', 'sync.failed');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toMatchObject({ actor_name: 'sync-worker/w-down', after: { retryable: true, attempts: 1 } });

    await p.setDown(false);
    const recovered = await untilSync('down', 'in sync once the server is back', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 1);
    expect(recovered).toMatchObject({ attempts: 0, nextRetryAt: null, lastError: null });
    expect(await liveCount('down')).toBe(3);

    // Down again while in sync: the watches notice, and recover on their own.
    await p.setDown(true);
    const lost = await untilSync('down', 'unreachable while steady', (s) => s['status'] === 'UNREACHABLE');
    expect(lost['lastError']).toContain('watching NetworkPolicies failed');
    await p.setDown(false);
    await untilSync('down', 'in sync again', (s) => s['status'] === 'IN_SYNC' && s['lastError'] === null);
  });

  it('retries 500s, 429s (honouring Retry-After), timeouts and dropped connections, then gets IN_SYNC', async () => {
    const p = await proxy();
    await cluster('flaky', p.url);
    p.inject({ match: isPatch, times: 1, fault: { kind: 'status', status: 500 } });
    p.inject({ match: isPatch, times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    p.inject({ match: isPatch, times: 1, fault: { kind: 'latency', ms: 2500 } }); // beyond KUBE_REQUEST_TIMEOUT_MS (2 s)
    p.inject({ match: isPatch, times: 1, fault: { kind: 'drop' } });
    await worker('w-flaky', { SYNC_APPLY_PARALLELISM: '1' });
    await importVersion('flaky', policies('flaky', 2));
    await untilSync('flaky', 'in sync after the faults', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 1, 25_000);
    const errors = (await audit('flaky', 'sync.failed')).map((row) => String(row.after['error']));
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('HTTP 500');
    expect(errors[1]).toContain('HTTP 429');
    expect(errors[2]).toContain('ETIMEDOUT');
    expect(errors[3]).toMatch(/ECONNRESET|socket hang up/);
    const after429 = (await audit('flaky', 'sync.failed'))[1]!.after;
    expect(Date.parse(String(after429['nextRetryAt']))).toBeGreaterThanOrEqual(Date.now() - 60_000); // recorded
    const rows = await sql.query("SELECT created_at FROM audit_events WHERE cluster_name = 'flaky' AND action = 'sync.failed' ORDER BY seq");
    const gap = rows.rows[2].created_at.getTime() - rows.rows[1].created_at.getTime();
    expect(gap).toBeGreaterThanOrEqual(950); // Retry-After: 1 beats the 200-400 ms backoff
    expect(await liveCount('flaky')).toBe(2);

    // Watches cut under it reconnect: a hand edit made after the cut is still seen.
    p.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kube.kube('DELETE', '/apis/networking.k8s.io/v1/namespaces/ns-flaky/networkpolicies/p-000');
    await untilSync('flaky', 'the deletion seen after reconnecting', (s) => s['status'] === 'DRIFTED');
  });

  it('keeps other clusters moving while one is slow', async () => {
    const p = await proxy();
    await cluster('slow', p.url);
    await cluster('fast');
    p.inject({ match: isPatch, fault: { kind: 'latency', ms: 1200 } });
    await worker('w-pool', { SYNC_APPLY_PARALLELISM: '1', KUBE_REQUEST_TIMEOUT_MS: '5000' });
    await Promise.all([importVersion('slow', policies('slow', 6)), importVersion('fast', policies('fast', 20))]);
    await untilSync('fast', 'in sync', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 1, 10_000);
    expect((await sync('slow'))['status']).toBe('SYNCING');
    p.clearFaults();
    await untilSync('slow', 'in sync eventually', (s) => s['status'] === 'IN_SYNC', 20_000);
  });

  it('lets exactly one of two racing workers sync a cluster', async () => {
    const p = await proxy();
    await cluster('race', p.url);
    const [a, b] = await Promise.all([worker('w-a'), worker('w-b')]);
    await importVersion('race', policies('race', 10));
    const done = await untilSync('race', 'in sync', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 1);
    const holder = done['worker'];
    expect([a.id, b.id]).toContain(holder);
    const applied = await audit('race', 'sync.applied');
    expect(applied).toEqual([{ actor_name: `sync-worker/${String(holder)}`, after: expect.objectContaining({ changed: 10 }) }]);
    const writers = new Set(p.log.filter((r) => r.method !== 'GET' && r.userAgent.startsWith('palisade-sync-worker/')).map((r) => r.userAgent));
    expect(writers).toEqual(new Set([`palisade-sync-worker/${String(holder)}`]));
    expect([a.held(), b.held()].filter((held) => held.includes('race'))).toHaveLength(1);
  });

  it('takes over from a killed worker once its lease lapses, and finishes with the right state', async () => {
    const p = await proxy();
    await cluster('kill', p.url);
    // Slow the victim down so that it dies half-way.
    p.inject({ match: (r) => isPatch(r) && r.userAgent.endsWith('/w-victim'), fault: { kind: 'latency', ms: 40 } });
    const victim: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/sync-worker/src/main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...TEST_WORKER_ENV, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), DATABASE_URL: t.db.appUrl, WORKER_ID: 'w-victim', SYNC_APPLY_PARALLELISM: '1' },
      stdio: 'ignore',
    });
    try {
      await waitFor('the victim to hold the cluster', async () => (await sync('kill'))['worker'] === 'w-victim', 30_000);
      await importVersion('kill', policies('kill', 120));
      await waitFor('the victim half-way', async () => p.log.filter((r) => isPatch(r) && r.userAgent.endsWith('/w-victim')).length >= 30, 20_000);
      victim.kill('SIGKILL');
      await new Promise((resolve) => victim.once('exit', resolve));
      const written = await liveCount('kill');
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(120);
      expect((await sync('kill'))['status']).toBe('SYNCING');

      const killedAt = Date.now();
      await worker('w-heir');
      const done = await untilSync('kill', 'in sync under the heir', (s) => s['status'] === 'IN_SYNC' && s['appliedVersion'] === 1, 20_000);
      expect(Date.now() - killedAt).toBeGreaterThan(1000); // the heir waited for the lease to lapse
      expect(done['worker']).toBe('w-heir');
      expect(await liveCount('kill')).toBe(120);
      const applied = await audit('kill', 'sync.applied');
      expect(applied).toHaveLength(1);
      expect(applied[0]!.actor_name).toBe('sync-worker/w-heir');
      expect(Number(applied[0]!.after['unchanged'])).toBeGreaterThanOrEqual(written - 1); // what the victim finished is not redone
      const token = await sql.query("SELECT fencing_token FROM cluster_sync_states s JOIN clusters c ON c.id = s.cluster_id WHERE c.name = 'kill'");
      expect(Number(token.rows[0].fencing_token)).toBeGreaterThanOrEqual(2);
    } finally {
      if (victim.exitCode === null) victim.kill('SIGKILL');
    }
  });
});
