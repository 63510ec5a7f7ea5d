import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

function policy(name: string, port = 80): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'default' },
    spec: { podSelector: { matchLabels: { app: name } }, ingress: [{ ports: [{ port }] }] },
  };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('approval rule changes with thousands of open proposals', () => {
  const OPEN = 8_000;
  let t: TestApp;
  let sql: Client;
  let sample: string;

  const approvedCount = async () => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM proposals WHERE status = 'APPROVED'`)).rows[0].n;

  beforeAll(async () => {
    t = await createTestApp({ PROPOSAL_QUOTA_PER_CLUSTER: '0', PROPOSAL_QUOTA_PER_PRINCIPAL: '0' });
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod', labels: { env: 'prod' } }).expect(201);
    await t.http.post('/api/v1/clusters/prod/versions/import').send({ policies: [policy('web')] }).expect(201);
    const created = await t.http
      .post('/api/v1/clusters/prod/proposals')
      .set('Prefer', 'wait=60')
      .send({ title: 'open', baseVersion: 1, changes: { upsert: [policy('web', 8080)] } })
      .expect(201);
    expect(created.body.analysis.status).toBe('READY');
    // Thousands of open proposals, stored as APPROVED under rules that no longer hold once the rule below exists,
    // each with a copy of the first one's analysis (so the analysis scheduler has nothing to do).
    const analysisColumns = (
      await sql.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'proposal_analyses' AND column_name NOT IN ('id', 'proposal_id')`)
    ).rows.map((r) => `"${r.column_name}"`);
    await sql.query(
      `WITH copies AS (
         INSERT INTO proposals (author_id, author_kind, author_name, base_version, change_hash, changes, cluster_id, conflict_policies, revision, status, title, touched_policies, updated_at)
         SELECT author_id, author_kind, author_name, base_version, change_hash, changes, cluster_id, conflict_policies, revision, 'APPROVED', title || ' ' || g, touched_policies, now()
         FROM proposals, generate_series(1, $2::int) g WHERE id = $1
         RETURNING id)
       INSERT INTO proposal_analyses (proposal_id, ${analysisColumns.join(', ')})
       SELECT copies.id, ${analysisColumns.map((c) => `a.${c}`).join(', ')} FROM copies, proposal_analyses a WHERE a.proposal_id = $1`,
      [created.body.id, OPEN - 1],
    );
    sample = (await sql.query<{ id: string }>(`SELECT id FROM proposals WHERE status = 'APPROVED' LIMIT 1`)).rows[0].id;
    expect(await approvedCount()).toBe(OPEN - 1);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('commits a rule change at once; reads see it immediately and stored statuses follow in the background', async () => {
    const put = await t.http.put('/api/v1/approval-rules/slow-rule').send({ matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await sql.query(`SELECT action FROM audit_events WHERE action = 'approval_rule.created'`)).rowCount).toBe(1);

    // The proposal's view evaluates the rules as they are now.
    const view = await t.http.get(`/api/v1/proposals/${sample}`).expect(200);
    expect(view.body.status).toBe('OPEN');
    expect(view.body.requiredApprovals).toMatchObject({ count: 2, groups: ['security'] });

    await waitFor(async () => (await approvedCount()) === 0, 'every stored status to be re-derived');
    expect((await sql.query(`SELECT count(*)::int AS n FROM proposals WHERE status = 'OPEN'`)).rows[0].n).toBe(OPEN);
  }, 240_000);

  it('deletes the rule at once too', async () => {
    const deleted = await t.http.delete('/api/v1/approval-rules/slow-rule');
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect((await t.http.get('/api/v1/approval-rules/slow-rule')).status).toBe(404);
    const view = await t.http.get(`/api/v1/proposals/${sample}`).expect(200);
    expect(view.body.requiredApprovals).toMatchObject({ count: 1, groups: [] });
  });
});

describe('open proposal quotas', () => {
  let t: TestApp;
  let sql: Client;

  const propose = (token: string, name: string) =>
    t.as(token).post('/api/v1/clusters/prod/proposals').send({ title: name, baseVersion: 1, changes: { upsert: [policy(name)] } });
  const stored = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM proposals')).rows[0].n;

  beforeAll(async () => {
    t = await createTestApp({ PROPOSAL_QUOTA_PER_CLUSTER: '4', PROPOSAL_QUOTA_PER_PRINCIPAL: '2' });
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
    await t.http.post('/api/v1/clusters/prod/versions/import').send({ policies: [policy('web')] }).expect(201);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it("refuses a principal's open proposal beyond its quota with 429, stores nothing, and counts only open ones", async () => {
    const bot = await t.mintToken({ name: 'gitops-bot', kind: 'bot', roles: ['proposer'] });
    await propose(bot.token, 'a').expect(201);
    const second = await propose(bot.token, 'b').expect(201);
    const refused = await propose(bot.token, 'c');
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'PROPOSAL_QUOTA_EXCEEDED' });
    expect(refused.body.detail).toContain('PROPOSAL_QUOTA_PER_PRINCIPAL');
    expect(await stored()).toBe(2);

    await t.as(bot.token).post(`/api/v1/proposals/${second.body.id}/withdraw`).expect(200);
    await propose(bot.token, 'c').expect(201);
  });

  it('holds the quota under concurrent submissions', async () => {
    const racer = await t.mintToken({ name: 'racer', kind: 'bot', roles: ['proposer'] });
    const results = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((name) => propose(racer.token, name)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 429, 429]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM proposals WHERE author_name = 'racer'`)).rows[0].n).toBe(2);
  });

  it("refuses beyond the cluster's quota, whoever proposes", async () => {
    // Open now: a, c (gitops-bot) and two of racer's: the cluster holds 4.
    const carol = await t.mintToken({ name: 'carol', roles: ['proposer'] });
    const refused = await propose(carol.token, 'd');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('PROPOSAL_QUOTA_EXCEEDED');
    expect(refused.body.detail).toContain('PROPOSAL_QUOTA_PER_CLUSTER');
    expect((await sql.query(`SELECT count(*)::int AS n FROM proposals WHERE author_name = 'carol'`)).rows[0].n).toBe(0);
  });
});

describe('rate limit per principal', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '10' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After once a principal used its requests, over REST and GraphQL alike', async () => {
    const reader = await t.mintToken({ name: 'reader', roles: ['auditor'] });
    for (let i = 0; i < 10; i++) await t.as(reader.token).get('/api/v1/clusters').expect(200);
    const limited = await t.as(reader.token).get('/api/v1/clusters');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

    const gql = await t.gql('{ clusters { name } }', {}, reader.token);
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429 });

    // Another principal has its own budget; public routes are not counted.
    await t.http.get('/api/v1/clusters').expect(200);
    await t.anonymous.get('/healthz').expect(200);
  });
});
