import { ClusterRepository, PrismaService } from '@palisade/persistence';
import { AnalysisRunner, ConnectivityTracker } from '@palisade/proposals';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { kubectlList, namespace, pod } from '../support/kubectl-objects';
import { mergeState, portPolicy as policy } from '../support/merge-state';
import { waitFor } from '../support/polling';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

// No timer: the history is caught up on the upload below and then by the merge only.
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

/**
 * A merge catches the cluster's connection history up with the engine before it records itself,
 * which takes up to ANALYSIS_TIMEOUT_MS per lagging version. It does so before its own transaction:
 * holding the cluster's row lock, merges and imports of the cluster would wait on the engine, and
 * holding the audit chain head's (every audited write takes it), every audited write of every cluster.
 * The catch-up records each step's changes as it goes, and those rows reference the cluster (a
 * key-share lock on its row until the catch-up commits): the cluster's own lock must let them
 * through. The runner's `delta` is wrapped to look at both locks from elsewhere while each engine
 * step is under way, then runs as usual.
 */
describe('a merge catching the connection history up', () => {
  let t: TestApp;
  let sql: Client;
  let probe: Client;
  let alice: MintedToken;
  let proposalId: string;

  const tracked = async () =>
    ((await sql.query("SELECT t.version FROM clusters c JOIN connectivity_tracking t ON t.cluster_id = c.id WHERE c.name = 'busy'")).rows[0] as { version: number | null } | undefined)?.version ??
    null;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    sql = await connectTo(t.db.url);
    probe = await connectTo(t.db.url);
    alice = await t.mintToken({ name: 'alice', roles: ['approver'] });

    await t.http.post('/api/v1/clusters').send({ name: 'busy' }).expect(201);
    await t.http.post('/api/v1/clusters/busy/versions/import').send({ policies: [policy('web', 80)] }).expect(201);
    const objects = kubectlList(
      namespace('default'),
      pod('default', 'web', { labels: { app: 'web' }, ip: '10.0.0.1' }),
      pod('default', 'api', { labels: { app: 'api' }, ip: '10.0.0.2' }),
      pod('default', 'client', { labels: { app: 'client' }, ip: '10.0.0.3' }),
    );
    await t.http.put('/api/v1/clusters/busy/inventory').set('Content-Type', 'application/json').send(JSON.stringify(objects)).expect(201);
    await waitFor('the upload to catch the history up to version 1', async () => (await tracked()) === 1);

    // Versions 2 and 3 merged with the history step left out, as for a cluster whose versions
    // predate its history: the next merge's catch-up has two steps, each recording its changes.
    const tracker = t.app.get(ConnectivityTracker);
    vi.spyOn(tracker, 'catchUp').mockResolvedValue();
    vi.spyOn(tracker, 'catchUpForMerge').mockImplementation(async (clusterId) => ({ clusterId, version: 1, snapshotId: null, snapshotContentHash: null }));
    vi.spyOn(tracker, 'recordMerge').mockResolvedValue();
    await approvedProposal('api on 81', 1, policy('api', 81)).then(merge);
    await approvedProposal('web on 90', 2, policy('web', 90)).then(merge);
    vi.restoreAllMocks();
    expect(await tracked()).toBe(1);

    proposalId = await approvedProposal('client on 82', 3, policy('client', 82));
  });

  /** A proposal upserting one policy onto `baseVersion`, analysed and approved by alice. */
  const approvedProposal = async (title: string, baseVersion: number, upsert: unknown): Promise<string> => {
    const created = await t.http.post('/api/v1/clusters/busy/proposals').set('Prefer', 'wait=30').send({ title, baseVersion, changes: { upsert: [upsert], delete: [] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.analysis.status).toBe('READY');
    const review = await t.as(alice.token).post(`/api/v1/proposals/${created.body.id as string}/reviews`).send({ verdict: 'APPROVE' });
    expect(review.status, JSON.stringify(review.body)).toBe(201);
    return created.body.id as string;
  };
  const merge = async (id: string): Promise<void> => {
    const merged = await t.http.post(`/api/v1/proposals/${id}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
  };

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await probe?.end();
    await sql?.end();
    await t?.close();
  });

  /** Whether another transaction can lock the audit chain head right now (NOWAIT: no waiting on whoever holds it). */
  const auditChainFree = async (): Promise<boolean> => {
    await probe.query('BEGIN');
    try {
      await probe.query('SELECT id FROM audit_chain_head WHERE id = 1 FOR UPDATE NOWAIT');
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') return false; // lock_not_available
      throw error;
    } finally {
      await probe.query('ROLLBACK');
    }
  };

  /** Whether a merge or an import of the cluster could take its lock now: the service's own lock statement, given a second. */
  const clusterFree = (): Promise<boolean> =>
    t.app
      .get(PrismaService)
      .$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL lock_timeout = '1s'`;
        return (await t.app.get(ClusterRepository).lockByName('busy', tx)) !== null;
      })
      .catch(() => false);

  it('runs the engine before its own transaction, with the cluster and the audit chain free at every step: an audited write lands meanwhile, then the merge lands with its history', async () => {
    const before = await mergeState(sql, 'busy', proposalId);
    expect(await tracked()).toBe(1);
    const runner = t.app.get(AnalysisRunner);
    const delta = runner.delta.bind(runner);
    const during: { step: number; chainFree: boolean; clusterFree: boolean; elsewhere: number | null }[] = [];
    vi.spyOn(runner, 'delta').mockImplementation(async (request) => {
      const chainFree = await auditChainFree();
      // Only tried when the lock is free: with it held, the write would wait on this very merge.
      const elsewhere = chainFree ? (await t.http.post('/api/v1/clusters').send({ name: `elsewhere-${during.length + 1}` })).status : null;
      during.push({ step: request.after.version.number, chainFree, clusterFree: await clusterFree(), elsewhere });
      return delta(request);
    });

    const merged = await t.http.post(`/api/v1/proposals/${proposalId}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 4 });
    expect(during).toEqual([
      { step: 2, chainFree: true, clusterFree: true, elsewhere: 201 },
      { step: 3, chainFree: true, clusterFree: true, elsewhere: 201 },
    ]);

    const after = await mergeState(sql, 'busy', proposalId);
    expect(after.versions).toEqual({ n: 4, head: 4 });
    expect(await tracked()).toBe(4);
    const steps = await sql.query<{ version: number; cause: string }>(
      "SELECT DISTINCT h.version, h.cause::text AS cause FROM connection_changes h JOIN clusters c ON c.id = h.cluster_id WHERE c.name = 'busy' ORDER BY h.version",
    );
    expect(steps.rows.filter((r) => r.version >= 2)).toEqual([
      { version: 2, cause: 'PROPOSAL' },
      { version: 3, cause: 'PROPOSAL' },
      { version: 4, cause: 'PROPOSAL' },
    ]);
    expect(after.history.n).toBeGreaterThan(before.history.n as number);
    expect(after.audit.at(-1)).toBe('proposal.merged');
  });
});
