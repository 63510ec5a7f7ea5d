import { ClusterRepository, PrismaService } from '@palisade/persistence';
import { AnalysisFailedError, type ChangeAnalysis, ProposalAnalysisService } from '@palisade/proposals';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { kubectlList, namespace, pod } from '../support/kubectl-objects';
import { approvedPortProposal, mergeState, portPolicy as policy } from '../support/merge-state';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

// No timer: analyses and the connection history move only on the requests below.
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

const INVENTORY = kubectlList(
  namespace('default'),
  pod('default', 'web', { labels: { app: 'web' }, ip: '10.0.0.1' }),
  pod('default', 'api', { labels: { app: 'api' }, ip: '10.0.0.2' }),
  pod('default', 'db', { labels: { app: 'db' }, ip: '10.0.0.3' }),
  pod('default', 'client', { labels: { app: 'client' }, ip: '10.0.0.4' }),
);

/**
 * When the head moved since approval, a merge analyses the change again against the head it lands on,
 * which takes up to ANALYSIS_TIMEOUT_MS. It does so before its own transaction: holding the cluster's
 * row lock, every merge and import of the cluster would wait on the engine, and the transaction's
 * timeout would count the engine's time. Inside the transaction it analyses again only when the head
 * moved once more meanwhile; an engine failure before it is answered after the merge's own refusals.
 * ProposalAnalysisService.compute (the merge's only caller) is wrapped to act while the engine runs.
 */
describe('a merge analysing the change again against a moved head', () => {
  let t: TestApp;
  let sql: Client;
  let alice: MintedToken;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    sql = await connectTo(t.db.url);
    alice = await t.mintToken({ name: 'alice', roles: ['approver'] });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  /** A proposal upserting the policy of `name` on `port` onto version 1, analysed and approved by alice. */
  const approvedProposal = (cluster: string, name: string, port: number): Promise<string> => approvedPortProposal(t, alice.token, cluster, name, port);

  const merge = async (id: string): Promise<void> => {
    const merged = await t.http.post(`/api/v1/proposals/${id}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
  };

  /**
   * A cluster at version 2 with an inventory: `proposal` (api on 81) and `spare` (client on 83) were
   * approved on version 1, and a disjoint proposal (db on 82) merged first, moving the head.
   */
  const movedHead = async (cluster: string, labels: Record<string, string> = {}): Promise<{ proposal: string; spare: string }> => {
    await t.http.post('/api/v1/clusters').send({ name: cluster, labels }).expect(201);
    await t.http.post(`/api/v1/clusters/${cluster}/versions/import`).send({ policies: [policy('web', 80)] }).expect(201);
    await t.http.put(`/api/v1/clusters/${cluster}/inventory`).set('Content-Type', 'application/json').send(JSON.stringify(INVENTORY)).expect(201);
    const proposal = await approvedProposal(cluster, 'api', 81);
    const spare = await approvedProposal(cluster, 'client', 83);
    await merge(await approvedProposal(cluster, 'db', 82));
    return { proposal, spare };
  };

  /** Whether a merge or an import of the cluster could take its lock now: the service's own lock statement, given a second. */
  const clusterFree = (cluster: string): Promise<boolean> =>
    t.app
      .get(PrismaService)
      .$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL lock_timeout = '1s'`;
        return (await t.app.get(ClusterRepository).lockByName(cluster, tx)) !== null;
      })
      .catch(() => false);

  /** The service the merge runs the engine through, and its real compute to call through to. */
  const engine = () => {
    const analysis = t.app.get(ProposalAnalysisService);
    const compute = analysis.compute.bind(analysis);
    return { analysis, compute };
  };

  it('runs the engine before its transaction with the cluster lock free, once, and merges onto that head with the analysis stored for it', async () => {
    const { proposal } = await movedHead('calm');
    const before = await mergeState(sql, 'calm', proposal);
    expect(before.analysis).toMatchObject({ status: 'READY', base_version: 1 });
    const { analysis, compute } = engine();
    const lockFree: boolean[] = [];
    const spy = vi.spyOn(analysis, 'compute').mockImplementation(async (...args) => {
      lockFree.push(await clusterFree('calm'));
      return compute(...args);
    });

    const merged = await t.http.post(`/api/v1/proposals/${proposal}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 3, mergedOntoVersion: 2 });
    expect(lockFree).toEqual([true]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1]).toMatchObject({ number: 2 });

    const after = await mergeState(sql, 'calm', proposal);
    expect(after.versions).toEqual({ n: 3, head: 3 });
    const result = (await spy.mock.results[0]?.value) as ChangeAnalysis;
    expect(after.analysis).toEqual({ status: 'READY', hash: result.hash, base_version: 2 });
    expect(after.audit.at(-1)).toBe('proposal.merged');
  });

  it('analyses again inside its transaction when another merge moved the head meanwhile, and lands on the newest head', async () => {
    const { proposal, spare } = await movedHead('racing');
    const { analysis, compute } = engine();
    let raced = false;
    const spy = vi.spyOn(analysis, 'compute').mockImplementation(async (...args) => {
      const result = await compute(...args);
      // Between the run before the transaction and the transaction: the spare proposal lands (version 3).
      if (args[0].id === proposal && !raced) {
        raced = true;
        await merge(spare);
      }
      return result;
    });

    const merged = await t.http.post(`/api/v1/proposals/${proposal}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 4, mergedOntoVersion: 3 });
    const runs = spy.mock.calls.map(([p, base]) => ({ proposal: p.id, head: base.number }));
    expect(runs).toEqual([
      { proposal, head: 2 },
      { proposal: spare, head: 2 },
      { proposal, head: 3 },
    ]);

    const after = await mergeState(sql, 'racing', proposal);
    expect(after.versions).toEqual({ n: 4, head: 4 });
    const result = (await spy.mock.results[2]?.value) as ChangeAnalysis;
    expect(after.analysis).toEqual({ status: 'READY', hash: result.hash, base_version: 3 });
    expect(after.audit.at(-1)).toBe('proposal.merged');
    expect((await mergeState(sql, 'racing', spare)).proposal).toMatchObject({ status: 'MERGED', merged_version: 3, merged_onto_version: 2 });
  });

  it('answers the approvals refusal, not the engine failure before its transaction, when approvals went missing meanwhile', async () => {
    const { proposal } = await movedHead('guarded', { stage: 'guarded' });
    const before = await mergeState(sql, 'guarded', proposal);
    const spy = vi.spyOn(engine().analysis, 'compute').mockImplementationOnce(async () => {
      // A second approval becomes required while the engine runs.
      await t.http.put('/api/v1/approval-rules/guarded-two').send({ matchLabels: { stage: 'guarded' }, minApprovals: 2, requiredGroups: [] }).expect(200);
      throw new AnalysisFailedError('engine error: Invalid array length');
    });

    const refused = await t.http.post(`/api/v1/proposals/${proposal}/merge`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, code: 'PROPOSAL_NOT_APPROVED' });
    expect(refused.body.detail).toBe(`proposal ${proposal} is not approved: it needs 1 more approval(s)`);
    expect(spy).toHaveBeenCalledTimes(1);

    const after = await mergeState(sql, 'guarded', proposal);
    expect(after.versions).toEqual({ n: 2, head: 2 });
    expect(after.analysis).toEqual(before.analysis);
    expect(after.audit).not.toContain('proposal.merged');
    await t.http.delete('/api/v1/approval-rules/guarded-two').expect(200);
  });

  it('answers 409 ANALYSIS_FAILED for an engine failure before its transaction and stores nothing; with the engine back it merges', async () => {
    const { proposal } = await movedHead('failing');
    const before = await mergeState(sql, 'failing', proposal);
    const spy = vi.spyOn(engine().analysis, 'compute').mockRejectedValueOnce(new AnalysisFailedError('the analysis did not finish within 120000 ms'));

    const refused = await t.http.post(`/api/v1/proposals/${proposal}/merge`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, code: 'ANALYSIS_FAILED' });
    expect(refused.body.detail).toBe(`proposal ${proposal} cannot be merged: its analysis against version 2 failed (the analysis did not finish within 120000 ms)`);
    expect(spy).toHaveBeenCalledTimes(1); // the transaction answers the kept failure without asking the engine again

    const after = await mergeState(sql, 'failing', proposal);
    expect(after).toEqual(before);
    expect(after.proposal).toMatchObject({ status: 'APPROVED', merged_version: null });
    expect(after.versions).toEqual({ n: 2, head: 2 });
    expect(after.audit).not.toContain('proposal.merged');

    const merged = await t.http.post(`/api/v1/proposals/${proposal}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 3, mergedOntoVersion: 2 });
  });

  it('runs the engine once for merges of one proposal sent together, and merges it once', async () => {
    const { proposal } = await movedHead('retried');
    const { analysis, compute } = engine();
    // The run is slowed so that every request reaches it while it is still in flight.
    const spy = vi.spyOn(analysis, 'compute').mockImplementation(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return compute(...args);
    });

    const answers = await Promise.all(Array.from({ length: 5 }, () => t.http.post(`/api/v1/proposals/${proposal}/merge`)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses, JSON.stringify(answers.map((a) => a.body))).toEqual([200, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body).toMatchObject({ code: 'PROPOSAL_ALREADY_MERGED', detail: `proposal ${proposal} is already merged (version 3)` });
    expect(spy).toHaveBeenCalledTimes(1);

    const after = await mergeState(sql, 'retried', proposal);
    expect(after.versions).toEqual({ n: 3, head: 3 });
    expect(after.proposal).toMatchObject({ status: 'MERGED', merged_version: 3, merged_onto_version: 2 });
    expect(after.audit.filter((action) => action === 'proposal.merged')).toHaveLength(1);
  });
});
