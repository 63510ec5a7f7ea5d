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
 * fails on demand for no real input) is logged and left for the next pass; the clusters after it
 * and the analyses still get theirs.
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

  it('catches the other clusters up and reconciles the analyses; the failing one lags until a pass succeeds for it', async () => {
    const tracker = t.app.get(ConnectivityTracker);
    const broken = ((await sql.query("SELECT id FROM clusters WHERE name = 'a-broken'")).rows[0] as { id: string }).id;
    const catchUp = tracker.catchUp.bind(tracker);
    const attempts: string[] = [];
    vi.spyOn(tracker, 'catchUp').mockImplementation(async (clusterId: string) => {
      attempts.push(clusterId);
      if (clusterId === broken) throw new AnalysisFailedError('engine error: Invalid array length');
      return catchUp(clusterId);
    });
    const reconcile = vi.spyOn(t.app.get(ProposalAnalysisService), 'reconcile');
    expect([await tracked('a-broken'), await tracked('b-fine')]).toEqual([null, null]);

    await t.app.get(AnalysisScheduler).tick();

    expect(attempts[0]).toBe(broken);
    expect(attempts).toHaveLength(2);
    expect([await tracked('a-broken'), await tracked('b-fine')]).toEqual([null, 1]);
    expect(reconcile).toHaveBeenCalledTimes(1);

    vi.restoreAllMocks();
    await t.app.get(AnalysisScheduler).tick();
    expect([await tracked('a-broken'), await tracked('b-fine')]).toEqual([1, 1]);
  });
});
