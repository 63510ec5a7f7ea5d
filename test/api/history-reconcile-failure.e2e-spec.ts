import { AnalysisFailedError, AnalysisScheduler, ConnectivityTracker, ProposalAnalysisService } from '@palisade/proposals';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { portPolicy as policy } from '../support/merge-state';
import { createTestApp, type TestApp } from '../support/test-app';

// No timer: the test runs the passes.
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

/**
 * The background pass catches lagging clusters' connection history up, in name order, then the
 * proposals' stale analyses. A cluster the engine fails on (injected into its catch-up: the engine
 * fails on demand for no real input) is logged and left alone until its retry time, a minute
 * doubling with each failure in a row; the clusters after it and the analyses still get theirs.
 */
describe('a connection-history pass where one cluster fails', () => {
  let t: TestApp;
  let sql: Client;

  const tracked = async (name: string) =>
    ((await sql.query('SELECT t.version FROM clusters c LEFT JOIN connectivity_tracking t ON t.cluster_id = c.id WHERE c.name = $1', [name])).rows[0] as { version: number | null }).version;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    sql = await connectTo(t.db.url);
    // Sorted by name, 'a-broken' comes first in the pass.
    for (const name of ['a-broken', 'b-fine']) {
      await t.http.post('/api/v1/clusters').send({ name }).expect(201);
      await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies: [policy('web', 80)] }).expect(201);
    }
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  /** The failure bookkeeping of a cluster's tracking row, with the retry delay in seconds from now. */
  const failures = async (name: string) =>
    (
      await sql.query(
        `SELECT t.failures, t.last_error, round(extract(epoch FROM t.retry_after - now()))::int AS retry_in
         FROM clusters c JOIN connectivity_tracking t ON t.cluster_id = c.id WHERE c.name = $1`,
        [name],
      )
    ).rows[0] as { failures: number; last_error: string | null; retry_in: number | null };
  const failingGauge = async () => /palisade_connection_history_failing_clusters (\d+)\n/.exec((await t.anonymous.get('/metrics').expect(200)).text)?.[1];
  /** The retry time comes: as if the delay had passed. */
  const retryDue = (name: string) => sql.query("UPDATE connectivity_tracking t SET retry_after = now() - interval '1 second' FROM clusters c WHERE c.id = t.cluster_id AND c.name = $1", [name]);

  it('catches the other clusters up and reconciles the analyses; the failing one waits a minute, then two, and is caught up once a pass succeeds for it', async () => {
    const tracker = t.app.get(ConnectivityTracker);
    const broken = ((await sql.query("SELECT id FROM clusters WHERE name = 'a-broken'")).rows[0] as { id: string }).id;
    const catchUp = tracker.catchUp.bind(tracker);
    const attempts: string[] = [];
    const failing = () =>
      vi.spyOn(tracker, 'catchUp').mockImplementation(async (clusterId: string) => {
        attempts.push(clusterId);
        if (clusterId === broken) throw new AnalysisFailedError('engine error: Invalid array length');
        return catchUp(clusterId);
      });
    failing();
    const reconcile = vi.spyOn(t.app.get(ProposalAnalysisService), 'reconcile');
    expect([await tracked('a-broken'), await tracked('b-fine')]).toEqual([null, null]);

    await t.app.get(AnalysisScheduler).tick();

    expect(attempts[0]).toBe(broken);
    expect(attempts).toHaveLength(2);
    expect([await tracked('a-broken'), await tracked('b-fine')]).toEqual([null, 1]);
    expect(reconcile).toHaveBeenCalledTimes(1);
    const first = await failures('a-broken');
    expect(first).toMatchObject({ failures: 1, last_error: 'engine error: Invalid array length' });
    expect(first.retry_in).toBeGreaterThanOrEqual(55);
    expect(first.retry_in).toBeLessThanOrEqual(60);
    expect(await failingGauge()).toBe('1');

    // What an auditor is told: the history of a-broken does not answer for its head yet, and why.
    const auditor = await t.mintToken({ name: 'auditor', roles: ['auditor'] });
    const status = await t.as(auditor.token).get('/api/v1/connections/status').expect(200);
    expect(status.body.items).toEqual([
      { cluster: 'a-broken', headVersion: 1, trackedVersion: null, upToDate: false, failures: 1, lastError: 'engine error: Invalid array length', retryAfter: expect.any(String) },
      { cluster: 'b-fine', headVersion: 1, trackedVersion: 1, upToDate: true, failures: 0, lastError: null, retryAfter: null },
    ]);
    const retryAfter = Date.parse(status.body.items[0].retryAfter as string);
    expect(retryAfter - Date.now()).toBeGreaterThan(50_000);
    expect(retryAfter - Date.now()).toBeLessThanOrEqual(60_000);
    const gql = await t.gql<{ connectionHistoryStatus: unknown[] }>('query ($c: String) { connectionHistoryStatus(cluster: $c) { cluster upToDate failures lastError retryAfter } }', { c: 'a-broken' }, auditor.token);
    expect(gql.data?.connectionHistoryStatus).toEqual([{ cluster: 'a-broken', upToDate: false, failures: 1, lastError: 'engine error: Invalid array length', retryAfter: status.body.items[0].retryAfter }]);
    // Within the scope, and for auditors and admins only.
    const scoped = await t.mintToken({ name: 'b-auditor', roles: ['auditor'], clusters: ['b-fine'] });
    expect((await t.as(scoped.token).get('/api/v1/connections/status').expect(200)).body.items.map((i: { cluster: string }) => i.cluster)).toEqual(['b-fine']);
    expect((await t.as(scoped.token).get('/api/v1/connections/status?cluster=a-broken')).status).toBe(403);
    const approver = await t.mintToken({ name: 'approver', roles: ['approver'] });
    expect((await t.as(approver.token).get('/api/v1/connections/status')).status).toBe(403);
    expect((await t.as(auditor.token).get('/api/v1/connections/status?cluster=no-such')).status).toBe(404);

    // Before its retry time, a pass leaves it alone (and still reconciles the analyses).
    attempts.length = 0;
    await t.app.get(AnalysisScheduler).tick();
    expect(attempts).toEqual([]);
    expect(reconcile).toHaveBeenCalledTimes(2);

    // Failing again when due: the delay doubles.
    await retryDue('a-broken');
    await t.app.get(AnalysisScheduler).tick();
    expect(attempts).toEqual([broken]);
    const second = await failures('a-broken');
    expect(second.failures).toBe(2);
    expect(second.retry_in).toBeGreaterThanOrEqual(115);
    expect(second.retry_in).toBeLessThanOrEqual(120);

    // Due again, with the engine answering: caught up, the failures forgotten.
    vi.restoreAllMocks();
    await retryDue('a-broken');
    await t.app.get(AnalysisScheduler).tick();
    expect([await tracked('a-broken'), await tracked('b-fine')]).toEqual([1, 1]);
    expect(await failures('a-broken')).toEqual({ failures: 0, last_error: null, retry_in: null });
    expect(await failingGauge()).toBe('0');
    expect((await t.http.get('/api/v1/connections/status?cluster=a-broken').expect(200)).body.items).toEqual([
      { cluster: 'a-broken', headVersion: 1, trackedVersion: 1, upToDate: true, failures: 0, lastError: null, retryAfter: null },
    ]);

    // A failure written after the history caught up another way (a merge that got there first) holds nothing back: not shown, not counted.
    await sql.query("UPDATE connectivity_tracking t SET failures = 2, last_error = 'stale', retry_after = now() + interval '1 hour' FROM clusters c WHERE c.id = t.cluster_id AND c.name = 'b-fine'");
    expect((await t.http.get('/api/v1/connections/status?cluster=b-fine').expect(200)).body.items).toEqual([
      { cluster: 'b-fine', headVersion: 1, trackedVersion: 1, upToDate: true, failures: 0, lastError: null, retryAfter: null },
    ]);
    expect(await failingGauge()).toBe('0');
  });

  it('does not hold back a cluster whose catch-up failed outside the engine (a database error): the next pass tries it again', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'c-database' }).expect(201);
    const status = async (name: string) => ((await t.http.get(`/api/v1/connections/status?cluster=${name}`).expect(200)).body.items as unknown[])[0];
    // Without a version there is nothing to reflect; with one and no catch-up yet, the history lags without any failure.
    expect(await status('c-database')).toEqual({ cluster: 'c-database', headVersion: 0, trackedVersion: null, upToDate: true, failures: 0, lastError: null, retryAfter: null });
    await t.http.post('/api/v1/clusters/c-database/versions/import').send({ policies: [policy('web', 80)] }).expect(201);
    expect(await status('c-database')).toEqual({ cluster: 'c-database', headVersion: 1, trackedVersion: null, upToDate: false, failures: 0, lastError: null, retryAfter: null });
    const tracker = t.app.get(ConnectivityTracker);
    const attempts: string[] = [];
    vi.spyOn(tracker, 'catchUp').mockImplementation(async (clusterId: string) => {
      attempts.push(clusterId);
      throw new Error('Connection terminated unexpectedly');
    });

    await t.app.get(AnalysisScheduler).tick();
    await t.app.get(AnalysisScheduler).tick();

    expect(attempts).toHaveLength(2);
    expect(await failures('c-database')).toBeUndefined(); // no failure recorded, no retry delay
    expect(await failingGauge()).toBe('0');
    vi.restoreAllMocks();
    await t.app.get(AnalysisScheduler).tick();
    expect(await tracked('c-database')).toBe(1);
    expect(await status('c-database')).toMatchObject({ trackedVersion: 1, upToDate: true });

    // A new inventory snapshot the pass has not taken in yet: the version is tracked, the history lags all the same.
    const scheduler = t.app.get(AnalysisScheduler);
    vi.spyOn(scheduler, 'tick').mockResolvedValue();
    const inventory = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }] };
    await t.http.put('/api/v1/clusters/c-database/inventory').set('Content-Type', 'application/json').send(JSON.stringify(inventory)).expect(201);
    expect(await status('c-database')).toMatchObject({ trackedVersion: 1, upToDate: false, failures: 0 });
    vi.restoreAllMocks();
    await scheduler.tick();
    expect(await status('c-database')).toMatchObject({ trackedVersion: 1, upToDate: true });
  });
});
