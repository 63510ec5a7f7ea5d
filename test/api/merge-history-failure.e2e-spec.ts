import { AnalysisFailedError, AnalysisRunner, ConnectivityTracker } from '@palisade/proposals';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { mergeState, portPolicy as policy } from '../support/merge-state';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

// No timer: connection history is caught up by merges only, so a cluster's first merge computes its history.
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

/**
 * Before recording a merge in the connection history, the merge catches the history up to the
 * version before it, with the engine: first in a transaction of its own, then inside the merge's for
 * what landed meanwhile. When the engine fails there (an engine error or a timeout,
 * which the runner reports as AnalysisFailedError), the merge is not carried out: 409
 * ANALYSIS_FAILED naming the step, and nothing stored. With the engine back, the same merge lands.
 * The failure is injected into the runner's `delta`: the engine fails on demand for no real input.
 */
describe('a merge whose connection history step fails', () => {
  let t: TestApp;
  let sql: Client;
  let alice: MintedToken;

  /** Everything a merge writes, for one cluster and proposal. */
  const stored = (cluster: string, proposalId: string) => mergeState(sql, cluster, proposalId);

  let proposalId: string;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    sql = await connectTo(t.db.url);
    alice = await t.mintToken({ name: 'alice', roles: ['approver'] });

    await t.http.post('/api/v1/clusters').send({ name: 'history' }).expect(201);
    await t.http.post('/api/v1/clusters/history/versions/import').send({ policies: [policy('web', 80)] }).expect(201);
    const created = await t.http
      .post('/api/v1/clusters/history/proposals')
      .set('Prefer', 'wait=30')
      .send({ title: 'api on 81', baseVersion: 1, changes: { upsert: [policy('api', 81)], delete: [] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.analysis.status).toBe('READY');
    proposalId = created.body.id as string;
    const review = await t.as(alice.token).post(`/api/v1/proposals/${proposalId}/reviews`).send({ verdict: 'APPROVE' });
    expect(review.status, JSON.stringify(review.body)).toBe(201);
    expect(review.body.status).toBe('APPROVED');
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  it('answers 409 ANALYSIS_FAILED naming the history step over REST and GraphQL, and stores nothing: no version, proposal still APPROVED, no history', async () => {
    const before = await stored('history', proposalId);
    expect(before.proposal).toMatchObject({ status: 'APPROVED', merged_version: null });
    expect(before.tracking.version).toBeNull(); // the merge has the history to catch up
    const delta = vi.spyOn(t.app.get(AnalysisRunner), 'delta').mockRejectedValue(new AnalysisFailedError('engine error: Invalid array length'));

    const refused = await t.http.post(`/api/v1/proposals/${proposalId}/merge`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 409, code: 'ANALYSIS_FAILED' });
    expect(refused.body.detail).toBe(`proposal ${proposalId} was not merged: the connection history could not be brought up to date (engine error: Invalid array length); nothing was stored, send the merge again (its analysis needs no retry)`);
    expect(delta).toHaveBeenCalledTimes(1);
    expect(await stored('history', proposalId)).toEqual(before);

    const result = await t.gql<{ mergeProposal: { status: string } }>('mutation ($id: String!) { mergeProposal(id: $id) { status } }', { id: proposalId });
    expect(result.data?.mergeProposal ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'ANALYSIS_FAILED', status: 409 });
    expect(result.errors?.[0]?.message).toMatch(/connection history could not be brought up to date/);
    expect(delta).toHaveBeenCalledTimes(2);

    const after = await stored('history', proposalId);
    expect(after).toEqual(before);
    expect(after.versions).toEqual({ n: 1, head: 1 });
    expect(after.audit).not.toContain('proposal.merged');
  });

  it('refuses the same way when the history is caught up inside the merge (what landed after its first step): 409, nothing stored', async () => {
    const before = await stored('history', proposalId);
    // The first step finds nothing to do, as when another merge lands between it and the merge's transaction.
    const catchUp = vi.spyOn(t.app.get(ConnectivityTracker), 'catchUp').mockResolvedValue();
    const delta = vi.spyOn(t.app.get(AnalysisRunner), 'delta').mockRejectedValue(new AnalysisFailedError('analysis timed out after 120000 ms'));

    const refused = await t.http.post(`/api/v1/proposals/${proposalId}/merge`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, code: 'ANALYSIS_FAILED' });
    expect(refused.body.detail).toBe(`proposal ${proposalId} was not merged: the connection history could not be brought up to date (analysis timed out after 120000 ms); nothing was stored, send the merge again (its analysis needs no retry)`);
    expect(catchUp).toHaveBeenCalledTimes(1);
    expect(delta).toHaveBeenCalledTimes(1);
    expect(await stored('history', proposalId)).toEqual(before);
  });

  it('merges once the engine answers again: version 2, the history tracked up to it, the background pass\'s failures cleared', async () => {
    // As the background pass leaves a cluster it failed on (see history-reconcile-failure): a merge does not wait for the retry time.
    const backedOff = await sql.query(
      `INSERT INTO connectivity_tracking (cluster_id, updated_at, failures, last_error, retry_after)
       SELECT id, now(), 3, 'engine error: Invalid array length', now() + interval '1 hour' FROM clusters WHERE name = 'history'
       ON CONFLICT (cluster_id) DO UPDATE SET failures = EXCLUDED.failures, last_error = EXCLUDED.last_error, retry_after = EXCLUDED.retry_after`,
    );
    expect(backedOff.rowCount).toBe(1);
    const merged = await t.http.post(`/api/v1/proposals/${proposalId}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 2 });
    const after = await stored('history', proposalId);
    expect(after.versions).toEqual({ n: 2, head: 2 });
    expect(after.tracking.version).toBe(2);
    expect(after.audit).toContain('proposal.merged');
    const retries = await sql.query("SELECT t.failures, t.last_error, t.retry_after FROM connectivity_tracking t JOIN clusters c ON c.id = t.cluster_id WHERE c.name = 'history'");
    expect(retries.rows).toEqual([{ failures: 0, last_error: null, retry_after: null }]);
  });
});
