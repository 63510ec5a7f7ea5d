import { AnalysisRunner } from '@palisade/proposals';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { mergeState, portPolicy as policy } from '../support/merge-state';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

// No timer: connection history is caught up by merges only, so the cluster's first merge runs the engine for it.
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

/**
 * A merge catches the cluster's connection history up with the engine before it records itself,
 * which takes up to ANALYSIS_TIMEOUT_MS per lagging version. It does so before its own transaction:
 * holding the cluster's row lock, merges and imports of the cluster would wait on the engine, and
 * holding the audit chain head's (every audited write takes it), every audited write of every cluster. The runner's `delta` is wrapped to look at the
 * lock from another connection while the engine step is under way, then runs as usual.
 */
describe('a merge catching the connection history up', () => {
  let t: TestApp;
  let sql: Client;
  let probe: Client;
  let alice: MintedToken;
  let proposalId: string;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    sql = await connectTo(t.db.url);
    probe = await connectTo(t.db.url);
    alice = await t.mintToken({ name: 'alice', roles: ['approver'] });

    await t.http.post('/api/v1/clusters').send({ name: 'busy' }).expect(201);
    await t.http.post('/api/v1/clusters/busy/versions/import').send({ policies: [policy('web', 80)] }).expect(201);
    const created = await t.http
      .post('/api/v1/clusters/busy/proposals')
      .set('Prefer', 'wait=30')
      .send({ title: 'api on 81', baseVersion: 1, changes: { upsert: [policy('api', 81)], delete: [] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.analysis.status).toBe('READY');
    proposalId = created.body.id as string;
    const review = await t.as(alice.token).post(`/api/v1/proposals/${proposalId}/reviews`).send({ verdict: 'APPROVE' });
    expect(review.status, JSON.stringify(review.body)).toBe(201);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await probe?.end();
    await sql?.end();
    await t?.close();
  });

  /** Whether another transaction can lock the row right now (NOWAIT: no waiting on whoever holds it). */
  const free = async (row: string): Promise<boolean> => {
    await probe.query('BEGIN');
    try {
      await probe.query(`SELECT 1 FROM ${row} FOR UPDATE NOWAIT`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') return false; // lock_not_available
      throw error;
    } finally {
      await probe.query('ROLLBACK');
    }
  };

  it('runs the engine before its own transaction, with the cluster and the audit chain free: an audited write on another cluster lands meanwhile, then the merge lands with its history', async () => {
    const before = await mergeState(sql, 'busy', proposalId);
    expect(before.tracking.version).toBeNull(); // the merge has version 1's history to compute
    const runner = t.app.get(AnalysisRunner);
    const delta = runner.delta.bind(runner);
    const during: { chainFree: boolean; clusterFree: boolean; elsewhere: number | null }[] = [];
    vi.spyOn(runner, 'delta').mockImplementation(async (request) => {
      const chainFree = await free('audit_chain_head WHERE id = 1');
      const clusterFree = await free("clusters WHERE name = 'busy'");
      // Only tried when the lock is free: with it held, the write would wait on this very merge.
      const elsewhere = chainFree ? (await t.http.post('/api/v1/clusters').send({ name: 'elsewhere' })).status : null;
      during.push({ chainFree, clusterFree, elsewhere });
      return delta(request);
    });

    const merged = await t.http.post(`/api/v1/proposals/${proposalId}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 2 });
    expect(during).toEqual([{ chainFree: true, clusterFree: true, elsewhere: 201 }]);

    const after = await mergeState(sql, 'busy', proposalId);
    expect(after.versions).toEqual({ n: 2, head: 2 });
    expect(after.tracking.version).toBe(2);
    expect(after.audit.at(-1)).toBe('proposal.merged');
    const created = await sql.query("SELECT action FROM audit_events WHERE cluster_name = 'elsewhere'");
    expect(created.rows.map((r: { action: string }) => r.action)).toEqual(['cluster.registered']);
  });
});
