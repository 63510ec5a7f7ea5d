import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

/** A NetworkPolicy in namespace `default` with `rules` ingress rules: its canonical YAML has about 9 lines per rule. */
function widePolicy(name: string, rules: number, changedRule = -1): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { app: name } },
      ingress: Array.from({ length: rules }, (_, i) => ({
        from: [{ podSelector: { matchLabels: { client: i === changedRule ? 'changed' : `client-${i}` } } }],
        ports: [{ port: 1000 + i, protocol: 'TCP' }],
      })),
    },
  };
}

interface DiffView {
  namespace: string;
  name: string;
  change: string;
  before: string | null;
  after: string | null;
  diff: string;
  diffTruncated: boolean;
}

describe('proposal diffs: computed once per revision, linear for small edits, bounded in size', () => {
  let t: TestApp;
  let sql: Client;

  const storedDiffs = async (id: string) =>
    (await sql.query<{ revision: number; bytes: number; diffs: { name: string; truncated: boolean; diff: string }[] }>('SELECT revision, bytes, diffs FROM proposal_diffs WHERE proposal_id = $1', [id])).rows;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
    await t.http
      .post('/api/v1/clusters/prod/versions/import')
      .send({ policies: [widePolicy('wide', 1_000), widePolicy('small', 1)] })
      .expect(201);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('stores the diff of a one-rule change in a 1,000-rule policy as one small hunk, and serves the stored text', async () => {
    const created = await t.http.post('/api/v1/clusters/prod/proposals').send({ title: 'one rule', baseVersion: 1, changes: { upsert: [widePolicy('wide', 1_000, 500)] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const [diff] = created.body.diff as DiffView[];
    expect(diff).toMatchObject({ namespace: 'default', name: 'wide', change: 'MODIFIED', diffTruncated: false });
    const changed = diff.diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).map((l) => `${l[0]}${l.slice(1).trim()}`);
    expect(changed).toEqual(['-client: client-500', '+client: changed']);
    expect(diff.diff.match(/^@@ /gm)).toHaveLength(1);

    const rows = await storedDiffs(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ revision: 1, bytes: Buffer.byteLength(diff.diff) });
    expect(rows[0].diffs[0].diff).toBe(diff.diff);

    // Reads serve the stored text: a marker written into the row comes back.
    await sql.query(`UPDATE proposal_diffs SET diffs = jsonb_set(diffs, '{0,diff}', '"stored text"') WHERE proposal_id = $1`, [id]);
    const read = await t.http.get(`/api/v1/proposals/${id}`).expect(200);
    expect((read.body.diff as DiffView[])[0].diff).toBe('stored text');
  });

  it('replaces the stored diff when a new revision is stored, and computes it for a revision stored without one', async () => {
    const created = await t.http.post('/api/v1/clusters/prod/proposals').send({ title: 'small', baseVersion: 1, changes: { upsert: [widePolicy('small', 2)] } }).expect(201);
    const id = created.body.id as string;
    expect((await storedDiffs(id))[0].revision).toBe(1);

    const updated = await t.http.patch(`/api/v1/proposals/${id}`).send({ changes: { upsert: [widePolicy('small', 3)] } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.revision).toBe(2);
    const rows = await storedDiffs(id);
    expect(rows[0].revision).toBe(2);
    expect(rows[0].diffs[0].diff).toBe((updated.body.diff as DiffView[])[0].diff);
    expect(rows[0].diffs[0].diff).toMatch(/^\+\s*- from:$/m);

    // A title-only update keeps the revision and its stored diff.
    await t.http.patch(`/api/v1/proposals/${id}`).send({ title: 'renamed' }).expect(200);
    expect((await storedDiffs(id))[0].revision).toBe(2);

    await sql.query('DELETE FROM proposal_diffs WHERE proposal_id = $1', [id]);
    const read = await t.http.get(`/api/v1/proposals/${id}`).expect(200);
    expect((read.body.diff as DiffView[])[0].diff).toBe(rows[0].diffs[0].diff);
  });

  it('cuts a diff above 256 KiB at a line boundary and says so, with before and after whole', async () => {
    // 4,000 new rules: about 36,000 added lines, well above 256 KiB of diff.
    const created = await t.http.post('/api/v1/clusters/prod/proposals').send({ title: 'huge', baseVersion: 1, changes: { upsert: [widePolicy('huge', 4_000)] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const [diff] = created.body.diff as DiffView[];
    expect(diff.change).toBe('ADDED');
    expect(diff.diffTruncated).toBe(true);
    expect(Buffer.byteLength(diff.diff)).toBeLessThanOrEqual(256 * 1024);
    expect(diff.diff.endsWith('\n')).toBe(true);
    expect(diff.after!.length).toBeGreaterThan(256 * 1024);
    const [row] = await storedDiffs(created.body.id as string);
    expect(row.diffs[0].truncated).toBe(true);
    expect(row.bytes).toBe(Buffer.byteLength(diff.diff));

    const gql = await t.gql<{ proposal: { diff: { diffTruncated: boolean }[] } }>('query($id: String!) { proposal(id: $id) { diff { diffTruncated } } }', { id: created.body.id });
    expect(gql.errors).toBeUndefined();
    expect(gql.data?.proposal.diff).toEqual([{ diffTruncated: true }]);
  });
});
