import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

describe('authentication, tokens and the tamper-evident audit trail', () => {
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('made the bootstrap token the first admin, storing only its hash', async () => {
    const me = await t.http.get('/api/v1/me').expect(200);
    expect(me.body).toMatchObject({ actor: { name: 'bootstrap-admin', kind: 'human' }, roles: ['admin'], clusters: null });
    const { rows } = await sql.query('SELECT secret_hash, prefix FROM api_tokens');
    expect(rows).toHaveLength(1);
    expect(rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('answers 401 without a valid bearer token on REST and GraphQL, but serves /healthz and the docs', async () => {
    const missing = await t.anonymous.get('/api/v1/clusters').expect(401);
    expect(missing.body.code).toBe('UNAUTHENTICATED');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    await t.anonymous.get('/api/v1/clusters').set('Authorization', 'Bearer pal_not-a-real-token-000000000000000000000').expect(401);
    await t.anonymous.get('/api/v1/clusters').set('Authorization', 'Basic YWRtaW46YWRtaW4=').expect(401);
    const gql = await t.anonymous.post('/graphql').send({ query: '{ clusters { name } }' }).expect(401);
    expect(gql.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await t.anonymous.post('/graphql').send({ query: '{ __schema { queryType { name } } }' }).expect(401);
    await t.anonymous.get('/healthz').expect(200);
    await t.anonymous.get('/api/docs/openapi.json').expect(200);
  });

  it('creates tokens (admins only), shows the secret once, and revokes at once', async () => {
    const created = await t.http.post('/api/v1/tokens').send({ name: 'ci-bot', kind: 'bot', roles: ['proposer'], clusters: ['prod'] }).expect(201);
    expect(created.body).toMatchObject({ principal: { name: 'ci-bot', kind: 'bot' }, roles: ['proposer'], clusters: ['prod'], revokedAt: null });
    expect(created.body.secret).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(created.body.secret.slice(0, 10));
    const listed = await t.http.get('/api/v1/tokens').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const bot = t.as(created.body.secret);
    expect((await bot.get('/api/v1/me').expect(200)).body.actor.name).toBe('ci-bot');
    expect((await bot.post('/api/v1/tokens').send({ name: 'x', kind: 'human', roles: ['admin'] }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await bot.post('/api/v1/clusters').send({ name: 'prod' }).expect(403)).body.code).toBe('FORBIDDEN');

    await t.http.delete(`/api/v1/tokens/${created.body.id}`).expect(200);
    await bot.get('/api/v1/me').expect(401);
    await t.http.delete('/api/v1/tokens/00000000-0000-4000-8000-000000000000').expect(404);

    const expired = await t.http.post('/api/v1/tokens').send({ name: 'temp', kind: 'human', roles: ['auditor'], expiresAt: '2020-01-01T00:00:00Z' }).expect(400);
    expect(expired.body.errors[0].path).toBe('expiresAt');
    await t.http.post('/api/v1/tokens').send({ name: 'ci-bot', kind: 'human', roles: ['auditor'] }).expect(409);
    await t.http.post('/api/v1/tokens').send({ name: 'y', kind: 'human', roles: ['root'] }).expect(400);
    // Group and cluster names are DNS-1123 labels, so at most 63 characters.
    const longGroup = await t.http.post('/api/v1/tokens').send({ name: 'y', kind: 'human', roles: ['approver'], groups: ['g'.repeat(64)] }).expect(400);
    expect(longGroup.body.errors).toEqual([{ path: 'groups', message: expect.stringContaining('each group must be a DNS-1123 label') }]);
    const longCluster = await t.http.post('/api/v1/tokens').send({ name: 'y', kind: 'human', roles: ['auditor'], clusters: ['c'.repeat(64)] }).expect(400);
    expect(longCluster.body.errors).toEqual([{ path: 'clusters', message: expect.stringContaining('each cluster must be a DNS-1123 label') }]);
    await t.http.post('/api/v1/tokens').send({ name: 'y', kind: 'human', roles: ['approver'], groups: ['g'.repeat(63)] }).expect(201);

    const gql = await t.gql<{ createApiToken: { secret: string; roles: string[] } }>('mutation { createApiToken(input: {name: "gql-user", kind: "human", roles: ["auditor"]}) { secret roles } }');
    expect(gql.data?.createApiToken.roles).toEqual(['auditor']);
    const gqlMe = await t.gql<{ me: { actor: { name: string } } }>('{ me { actor { name } roles } }', {}, gql.data?.createApiToken.secret);
    expect(gqlMe.data?.me.actor.name).toBe('gql-user');

    const trail = await t.http.get('/api/v1/audit?action=token.revoked').expect(200);
    expect(trail.body.items).toHaveLength(1);
    expect(trail.body.items[0]).toMatchObject({ subject: { type: 'token', id: created.body.id }, actor: { name: 'bootstrap-admin' } });
  });

  it('pages the audit trail newest first with a keyset cursor and filters', async () => {
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    const first = await t.http.get('/api/v1/audit?action=cluster.registered&limit=2').expect(200);
    expect(first.body.items.map((e: { cluster: string }) => e.cluster)).toEqual(['a5', 'a4']);
    const second = await t.http.get(`/api/v1/audit?action=cluster.registered&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((e: { cluster: string }) => e.cluster)).toEqual(['a3', 'a2']);
    const third = await t.http.get(`/api/v1/audit?action=cluster.registered&limit=2&cursor=${second.body.nextCursor}`).expect(200);
    expect(third.body).toMatchObject({ nextCursor: null, items: [{ cluster: 'a1' }] });

    const byActor = await t.http.get('/api/v1/audit?actor=bootstrap-admin&cluster=a3').expect(200);
    expect(byActor.body.items.map((e: { action: string }) => e.action)).toEqual(['cluster.registered']);
    const at = new Date(first.body.items[1].createdAt as string);
    const windowed = await t.http.get(`/api/v1/audit?action=cluster.registered&from=${at.toISOString()}`).expect(200);
    expect(windowed.body.items.map((e: { cluster: string }) => e.cluster)).toEqual(expect.arrayContaining(['a5', 'a4']));
    const before = await t.http.get(`/api/v1/audit?action=cluster.registered&to=2000-01-01T00:00:00Z`).expect(200);
    expect(before.body.items).toEqual([]);
    await t.http.get('/api/v1/audit?from=yesterday').expect(400);
    await t.http.get('/api/v1/audit?cursor=garbage').expect(400);

    const scoped = await t.mintToken({ name: 'scoped-auditor', roles: ['auditor'], clusters: ['a1'] });
    const mine = await t.as(scoped.token).get('/api/v1/audit').expect(200);
    // Its clusters' events, plus token and principal events whose scope reaches a1 (they have no cluster).
    const items = mine.body.items as { cluster: string | null; subject: { type: string } }[];
    expect(new Set(items.filter((e) => e.cluster !== null).map((e) => e.cluster))).toEqual(new Set(['a1']));
    expect(new Set(items.filter((e) => e.cluster === null).map((e) => e.subject.type))).toEqual(new Set(['principal', 'token']));
    await t.as(scoped.token).get('/api/v1/audit?cluster=a2').expect(403);
    const proposer = await t.mintToken({ name: 'just-proposer', roles: ['proposer'] });
    await t.as(proposer.token).get('/api/v1/audit').expect(403);
    await t.as(proposer.token).get('/api/v1/audit/verify').expect(403);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit events in the database itself', async () => {
    await expect(sql.query("UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(sql.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(sql.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect((await t.http.get('/api/v1/audit/verify').expect(200)).body.ok).toBe(true);
  });

  it('catches a row altered behind the triggers through a superuser connection', async () => {
    const clean = await t.http.get('/api/v1/audit/verify').expect(200);
    expect(clean.body).toMatchObject({ ok: true, firstBroken: null });
    const { rows } = await sql.query("SELECT id, seq FROM audit_events WHERE action = 'cluster.registered' ORDER BY seq LIMIT 1");
    const target = rows[0] as { id: string; seq: string };
    // A superuser can switch triggers off for its session; the hash chain still gives it away.
    await sql.query('SET session_replication_role = replica');
    await sql.query(`UPDATE audit_events SET actor_name = 'mallory' WHERE id = $1`, [target.id]);
    await sql.query('SET session_replication_role = DEFAULT');
    const broken = await t.http.get('/api/v1/audit/verify').expect(200);
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { seq: Number(target.seq), eventId: target.id, reason: 'HASH_MISMATCH' } });
    const gql = await t.gql<{ verifyAudit: { ok: boolean; firstBroken: { reason: string } } }>('{ verifyAudit { ok eventsChecked firstBroken { seq eventId reason message } } }');
    expect(gql.data?.verifyAudit).toMatchObject({ ok: false, firstBroken: { reason: 'HASH_MISMATCH' } });
  });
});
