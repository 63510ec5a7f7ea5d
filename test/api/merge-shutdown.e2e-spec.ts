import { AnalysisRunner } from '@palisade/proposals';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { approvedPortProposal, mergeState, portPolicy as policy } from '../support/merge-state';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

// No timer: connection history is caught up by merges only, so a cluster's first merge computes its history.
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

/**
 * A merge needs the engine threads twice: to analyse the change again when the head or the snapshot
 * moved since approval, and to catch the cluster's connection history up before recording the merge
 * in it. When shutdown has stopped the threads (here: closed by hand, as the last step of shutdown
 * does), the merge is not carried out and the request answers 503, with nothing stored.
 */
describe('a merge whose analysis the shutdown interrupts', () => {
  let t: TestApp;
  let sql: Client;
  let alice: MintedToken;

  /** Everything a merge writes, for one cluster and proposal. */
  const stored = (cluster: string, proposalId: string) => mergeState(sql, cluster, proposalId);

  async function cluster(name: string): Promise<void> {
    await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies: [policy('web', 80)] }).expect(201);
  }

  /** Proposed by the admin, analysed, approved by alice: ready to merge. */
  const approved = (clusterName: string, changed: { name: string; port: number }): Promise<string> => approvedPortProposal(t, alice.token, clusterName, changed.name, changed.port);

  // Proposals whose merge meets the stopped threads at either step.
  let historyStep: string; // head and snapshot as approved: only the connection history needs the threads
  let reanalysisStep: string; // the head moved since approval: the change is analysed again first

  beforeAll(async () => {
    t = await createTestApp(ENV);
    sql = await connectTo(t.db.url);
    alice = await t.mintToken({ name: 'alice', roles: ['approver'] });

    await cluster('history');
    historyStep = await approved('history', { name: 'api', port: 81 });

    await cluster('moved');
    const first = await approved('moved', { name: 'api', port: 81 });
    reanalysisStep = await approved('moved', { name: 'db', port: 82 });
    // Lands first, while the threads run: the head moves to 2 and the history is caught up to it.
    const merged = await t.http.post(`/api/v1/proposals/${first}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);

    await t.app.get(AnalysisRunner).close();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE when the connection history step is interrupted, and rolls the merge back: no version, proposal still APPROVED, no proposal.merged', async () => {
    const before = await stored('history', historyStep);
    expect(before.proposal).toMatchObject({ status: 'APPROVED', merged_version: null });
    expect(before.tracking.version).toBeNull(); // the merge has the history to catch up

    const refused = await t.http.post(`/api/v1/proposals/${historyStep}/merge`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(refused.body.detail).toContain(historyStep);
    expect(refused.body.detail).toMatch(/shutting down/);

    const after = await stored('history', historyStep);
    expect(after).toEqual(before);
    expect(after.cluster.head_version).toBe(1);
    expect(after.versions).toEqual({ n: 1, head: 1 });
    expect(after.audit).not.toContain('proposal.merged');
  });

  it('answers 503 SERVICE_UNAVAILABLE when the analysis against the moved head is interrupted, and stores nothing: no version, no new analysis', async () => {
    const before = await stored('moved', reanalysisStep);
    expect(before.proposal).toMatchObject({ status: 'APPROVED', merged_version: null });
    expect(before.cluster.head_version).toBe(2);
    expect(before.analysis.base_version).toBe(1);

    const refused = await t.http.post(`/api/v1/proposals/${reanalysisStep}/merge`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(refused.body.detail).toMatch(/shutting down/);

    const after = await stored('moved', reanalysisStep);
    expect(after).toEqual(before);
    expect(after.versions).toEqual({ n: 2, head: 2 });
    expect(after.audit).not.toContain('proposal.merged');
  });

  it('answers mergeProposal over GraphQL with the same code and status', async () => {
    const before = await stored('history', historyStep);
    const result = await t.gql<{ mergeProposal: { status: string } }>('mutation ($id: String!) { mergeProposal(id: $id) { status } }', { id: historyStep });
    expect(result.data?.mergeProposal ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(result.errors?.[0]?.message).toMatch(/shutting down/);
    expect(await stored('history', historyStep)).toEqual(before);
  });
});
