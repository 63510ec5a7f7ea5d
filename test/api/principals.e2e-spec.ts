import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type MintedToken, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

interface AuditItem {
  action: string;
  cluster: string | null;
  subject: { type: string; id: string };
  actor: { name: string };
  after: Record<string, unknown> | null;
}

const internetEgress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'egress-anywhere', namespace: 'default' },
  spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
};

const webIngress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'web', namespace: 'default' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] },
};

// Variables rather than literals: the same JSON values fit whether kind and roles are strings or enums.
const CREATE_TOKEN = 'mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret } }';
const CREATE_PRINCIPAL = 'mutation ($input: CreatePrincipalInput!) { createPrincipal(input: $input)';

describe('principals: created once, and no self-made approvers', () => {
  let t: TestApp;
  let sql: Client;
  let alphaAdmin: MintedToken;

  const count = async (query: string, params: unknown[] = []): Promise<number> => (await sql.query(query, params)).rows[0].n as number;
  const principalRows = (name: string): Promise<number> => count('SELECT count(*)::int AS n FROM principals WHERE name = $1', [name]);
  const tokenRows = (name: string): Promise<number> =>
    count('SELECT count(*)::int AS n FROM api_tokens t JOIN principals p ON p.id = t.principal_id WHERE p.name = $1', [name]);
  const auditRows = (action: string): Promise<number> => count('SELECT count(*)::int AS n FROM audit_events WHERE action = $1', [action]);
  const trail = async (token: string, query = ''): Promise<AuditItem[]> => {
    const response = await t.as(token).get(`/api/v1/audit?limit=200${query}`).expect(200);
    return response.body.items as AuditItem[];
  };

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'alpha', labels: { env: 'prod' } }).expect(201);
    await t.http.post('/api/v1/clusters/alpha/versions/import').send({ policies: [webIngress] }).expect(201);
    alphaAdmin = await t.mintToken({ name: 'alpha-admin', roles: ['admin'], clusters: ['alpha'] });
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('created the bootstrap admin principal at startup, by no one, unscoped, and audited it', async () => {
    const listed = await t.http.get('/api/v1/principals').expect(200);
    expect(listed.body.items[0]).toMatchObject({ name: 'bootstrap-admin', kind: 'human', clusters: null, createdBy: null });
    const created = await trail(TEST_ADMIN_TOKEN, '&action=principal.created');
    expect(created.at(-1)).toMatchObject({
      actor: { name: 'bootstrap' },
      subject: { type: 'principal', id: listed.body.items[0].id },
      after: { name: 'bootstrap-admin', kind: 'human', clusters: null, createdBy: null },
    });
  });

  it('creates principals once (unscoped admins only), validates the name, and lists them on REST and GraphQL', async () => {
    const created = await t.http.post('/api/v1/principals').send({ name: 'frank', kind: 'human' }).expect(201);
    expect(created.body).toMatchObject({ name: 'frank', kind: 'human', clusters: null, createdBy: { name: 'bootstrap-admin' } });
    const audited = (await trail(TEST_ADMIN_TOKEN, `&subject=${created.body.id}`))[0];
    expect(audited).toMatchObject({ action: 'principal.created', actor: { name: 'bootstrap-admin' }, after: { name: 'frank', clusters: null } });

    const duplicate = await t.http.post('/api/v1/principals').send({ name: 'frank', kind: 'bot' }).expect(409);
    expect(duplicate.body.code).toBe('PRINCIPAL_ALREADY_EXISTS');
    const events = await auditRows('principal.created');

    const badName = await t.http.post('/api/v1/principals').send({ name: 'Frank Smith', kind: 'human' }).expect(400);
    expect(badName.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(badName.body.detail).toMatch(/^name: /);
    const tooLong = await t.http.post('/api/v1/principals').send({ name: 'f'.repeat(101), kind: 'human' }).expect(400);
    expect(tooLong.body.detail).toMatch(/^name: /);
    const badKind = await t.http.post('/api/v1/principals').send({ name: 'robo', kind: 'robot' }).expect(400);
    expect(badKind.body.detail).toMatch(/kind must be human or bot/);
    const scoped = await t.as(alphaAdmin.token).post('/api/v1/principals').send({ name: 'mallory', kind: 'human' }).expect(403);
    expect(scoped.body.code).toBe('PRINCIPAL_CREATION_FORBIDDEN');
    expect((await trail(TEST_ADMIN_TOKEN, '&action=principal.refused'))[0]).toMatchObject({
      actor: { name: 'alpha-admin' },
      subject: { type: 'principal', id: 'mallory' },
      after: { name: 'mallory', clusters: ['alpha'], reason: 'PRINCIPAL_CREATION_FORBIDDEN' },
    });
    const auditor = await t.mintToken({ name: 'principal-auditor', roles: ['auditor'] });
    expect((await t.as(auditor.token).post('/api/v1/principals').send({ name: 'mallory', kind: 'human' }).expect(403)).body.code).toBe('FORBIDDEN');
    await t.as(auditor.token).get('/api/v1/principals').expect(403);
    for (const name of ['frank-smith', 'robo', 'mallory', 'f'.repeat(101)]) expect(await principalRows(name)).toBe(0);
    expect(await auditRows('principal.created')).toBe(events + 1); // the auditor's principal only

    const gqlCreated = await t.gql<{ createPrincipal: { name: string; kind: string; createdBy: { name: string } } }>(
      `${CREATE_PRINCIPAL} { name kind clusters createdBy { name } } }`,
      { input: { name: 'deploy-bot', kind: 'bot' } },
    );
    expect(gqlCreated.data?.createPrincipal).toEqual({ name: 'deploy-bot', kind: 'bot', clusters: null, createdBy: { name: 'bootstrap-admin' } });
    const gqlDuplicate = await t.gql(`${CREATE_PRINCIPAL} { name } }`, { input: { name: 'deploy-bot', kind: 'bot' } });
    expect(gqlDuplicate.errors?.[0]?.extensions?.code).toBe('PRINCIPAL_ALREADY_EXISTS');
    const gqlScoped = await t.gql(`${CREATE_PRINCIPAL} { name } }`, { input: { name: 'mallory', kind: 'human' } }, alphaAdmin.token);
    expect(gqlScoped.errors?.[0]?.extensions?.code).toBe('PRINCIPAL_CREATION_FORBIDDEN');
    const gqlList = await t.gql<{ principals: { name: string }[] }>('{ principals { name kind clusters createdBy { id name } createdAt } }');
    expect(gqlList.data?.principals.map((p) => p.name)).toEqual(expect.arrayContaining(['bootstrap-admin', 'alpha-admin', 'frank', 'deploy-bot']));

    // A token for an existing principal of the other kind stays refused.
    expect((await t.http.post('/api/v1/tokens').send({ name: 'deploy-bot', kind: 'human', roles: ['proposer'] }).expect(409)).body.code).toBe(
      'PRINCIPAL_KIND_MISMATCH',
    );
  });

  it('refuses approver groups from a scoped admin, so his own tokens cannot pass a two-security-approvals rule', async () => {
    await t.http
      .put('/api/v1/approval-rules/internet-egress')
      .send({ matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'] })
      .expect(200);
    const tokensBefore = await count('SELECT count(*)::int AS n FROM api_tokens');
    const eventsBefore = await count('SELECT count(*)::int AS n FROM audit_events');
    for (const name of ['sock-one', 'sock-two']) {
      const refused = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name, kind: 'human', roles: ['approver'], clusters: ['alpha'], groups: ['security'] }).expect(403);
      expect(refused.body).toMatchObject({ code: 'APPROVER_GROUPS_FORBIDDEN' });
      expect(await principalRows(name)).toBe(0);
    }
    const gql = await t.gql(CREATE_TOKEN, { input: { name: 'sock-one', kind: 'human', roles: ['approver'], clusters: ['alpha'], groups: ['security'] } }, alphaAdmin.token);
    expect(gql.errors?.[0]?.extensions?.code).toBe('APPROVER_GROUPS_FORBIDDEN');
    expect(await count('SELECT count(*)::int AS n FROM api_tokens')).toBe(tokensBefore);
    // Nothing is stored but the attempts themselves, one event each.
    expect(await count('SELECT count(*)::int AS n FROM audit_events')).toBe(eventsBefore + 3);
    const refusals = await trail(TEST_ADMIN_TOKEN, '&action=token.refused');
    expect(refusals.slice(0, 3).map((e) => e.subject.id)).toEqual(['sock-one', 'sock-two', 'sock-one']);
    expect(refusals[0]).toMatchObject({
      actor: { name: 'alpha-admin' },
      subject: { type: 'principal' },
      after: { principal: 'sock-one', roles: ['approver'], clusters: ['alpha'], groups: ['security'], reason: 'APPROVER_GROUPS_FORBIDDEN', issuer: { name: 'alpha-admin' } },
    });

    // Without groups he may still make approvers of his cluster, but they cannot satisfy the rule.
    const socks: string[] = [];
    for (const name of ['sock-one', 'sock-two']) {
      const made = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name, kind: 'human', roles: ['approver'], clusters: ['alpha'] }).expect(201);
      expect(made.body).toMatchObject({ groups: [], principal: { name } });
      socks.push(made.body.secret as string);
    }
    const proposal = await t
      .as(alphaAdmin.token)
      .post('/api/v1/clusters/alpha/proposals')
      .set('Prefer', 'wait=30')
      .send({ title: 'egress anywhere', baseVersion: 1, changes: { upsert: [internetEgress] } })
      .expect(201);
    for (const sock of socks) await t.as(sock).post(`/api/v1/proposals/${proposal.body.id}/reviews`).send({ verdict: 'APPROVE' }).expect(201);
    const merge = await t.as(alphaAdmin.token).post(`/api/v1/proposals/${proposal.body.id}/merge`).expect(409);
    expect(merge.body.code).toBe('PROPOSAL_NOT_APPROVED');
    expect(await count("SELECT count(*)::int AS n FROM policy_set_versions v JOIN clusters c ON c.id = v.cluster_id WHERE c.name = 'alpha'")).toBe(1);
  });

  it('refuses a scoped admin a token for a principal it did not create, and audits an unscoped admin issuing one', async () => {
    const bootstrapTokens = await tokenRows('bootstrap-admin');
    const impersonation = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'bootstrap-admin', kind: 'human', roles: ['admin'], clusters: ['alpha'] }).expect(403);
    expect(impersonation.body.code).toBe('PRINCIPAL_NOT_OWNED');
    expect(impersonation.body.detail).toMatch(/bootstrap-admin/);
    expect(await tokenRows('bootstrap-admin')).toBe(bootstrapTokens);
    const bootstrapId = (await sql.query("SELECT id FROM principals WHERE name = 'bootstrap-admin'")).rows[0].id as string;
    expect((await trail(TEST_ADMIN_TOKEN, '&action=token.refused'))[0]).toMatchObject({
      actor: { name: 'alpha-admin' },
      subject: { type: 'principal', id: bootstrapId },
      after: { principal: 'bootstrap-admin', roles: ['admin'], reason: 'PRINCIPAL_NOT_OWNED' },
    });
    const frank = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'frank', kind: 'human', roles: ['approver'], clusters: ['alpha'] }).expect(403);
    expect(frank.body.code).toBe('PRINCIPAL_NOT_OWNED');
    expect(await tokenRows('frank')).toBe(0);
    const gql = await t.gql(CREATE_TOKEN, { input: { name: 'frank', kind: 'human', roles: ['approver'], clusters: ['alpha'] } }, alphaAdmin.token);
    expect(gql.errors?.[0]?.extensions?.code).toBe('PRINCIPAL_NOT_OWNED');
    // Nor may another scoped admin of the same cluster take over the principals alpha-admin created.
    const otherAdmin = await t.mintToken({ name: 'alpha-admin-two', roles: ['admin'], clusters: ['alpha'] });
    expect((await t.as(otherAdmin.token).post('/api/v1/tokens').send({ name: 'sock-one', kind: 'human', roles: ['approver'], clusters: ['alpha'] }).expect(403)).body.code).toBe(
      'PRINCIPAL_NOT_OWNED',
    );

    const issued = await t.http.post('/api/v1/tokens').send({ name: 'frank', kind: 'human', roles: ['approver'], clusters: ['alpha'] }).expect(201);
    const me = await t.as(issued.body.secret as string).get('/api/v1/me').expect(200);
    expect(me.body.actor.name).toBe('frank');
    const event = (await trail(TEST_ADMIN_TOKEN, `&subject=${issued.body.id}`))[0];
    expect(event).toMatchObject({
      action: 'token.created',
      actor: { name: 'bootstrap-admin' },
      after: { principal: 'frank', principalId: issued.body.principal.id, issuer: { name: 'bootstrap-admin' }, existingPrincipal: true },
    });
  });

  it('lets a scoped admin issue and revoke tokens of the principals it created, within its scope, and no others', async () => {
    const first = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'alpha-ci', kind: 'bot', roles: ['proposer'], clusters: ['alpha'] }).expect(201);
    const principal = (await t.http.get('/api/v1/principals').expect(200)).body.items.find((p: { name: string }) => p.name === 'alpha-ci');
    expect(principal).toMatchObject({ kind: 'bot', clusters: ['alpha'], createdBy: { name: 'alpha-admin', id: alphaAdmin.principalId } });
    const second = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'alpha-ci', kind: 'bot', roles: ['proposer'], clusters: ['alpha'] }).expect(201);
    expect(second.body.principal.id).toBe(first.body.principal.id);
    expect((await trail(TEST_ADMIN_TOKEN, `&subject=${second.body.id}`))[0]?.after).toMatchObject({ existingPrincipal: true, issuer: { name: 'alpha-admin' } });
    expect((await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'alpha-ci', kind: 'bot', roles: ['proposer'], clusters: ['beta'] }).expect(403)).body.code).toBe(
      'FORBIDDEN',
    );

    const mine = await t.as(alphaAdmin.token).get('/api/v1/principals').expect(200);
    expect(mine.body.items.map((p: { name: string }) => p.name).sort()).toEqual(['alpha-ci', 'sock-one', 'sock-two']);

    await t.as(alphaAdmin.token).delete(`/api/v1/tokens/${first.body.id}`).expect(200);
    const frankToken = (await t.http.get('/api/v1/tokens').expect(200)).body.items.find((x: { principal: { name: string } }) => x.principal.name === 'frank');
    const refused = await t.as(alphaAdmin.token).delete(`/api/v1/tokens/${frankToken.id}`).expect(403);
    expect(refused.body.code).toBe('PRINCIPAL_NOT_OWNED');
    expect((await sql.query('SELECT revoked_at FROM api_tokens WHERE id = $1', [frankToken.id])).rows[0].revoked_at).toBeNull();
    expect((await trail(TEST_ADMIN_TOKEN, `&subject=${frankToken.id}`))[0]).toMatchObject({
      action: 'token.revocation_refused',
      actor: { name: 'alpha-admin' },
      after: { principal: 'frank', revokedAt: null, reason: 'PRINCIPAL_NOT_OWNED' },
    });
    // Revoking leaves the principal: names are never reused, so the audit trail stays unambiguous.
    expect(await principalRows('alpha-ci')).toBe(1);
  });

  it("takes a principal a scoped admin created out of its hands when an unscoped admin issues it a token", async () => {
    // alpha-admin gets to a person's name first; the real grace later receives a token from the unscoped admin.
    const squat = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'grace', kind: 'human', roles: ['approver'], clusters: ['alpha'] }).expect(201);
    const real = await t.http.post('/api/v1/tokens').send({ name: 'grace', kind: 'human', roles: ['approver'], groups: ['security'] }).expect(201);
    expect(real.body.principal.id).toBe(squat.body.principal.id);

    const grace = (await t.http.get('/api/v1/principals').expect(200)).body.items.find((p: { name: string }) => p.name === 'grace');
    expect(grace).toMatchObject({ clusters: null, createdBy: { name: 'alpha-admin' } });
    await t.as(squat.body.secret as string).get('/api/v1/me').expect(401);
    expect((await t.as(real.body.secret as string).get('/api/v1/me').expect(200)).body).toMatchObject({ actor: { name: 'grace' }, groups: ['security'] });
    const events = await trail(TEST_ADMIN_TOKEN, `&subject=${grace.id}`);
    expect(events[0]).toMatchObject({
      action: 'principal.unconfined',
      actor: { name: 'bootstrap-admin' },
      after: { name: 'grace', clusters: null, createdBy: { name: 'alpha-admin' } },
    });
    expect((await trail(TEST_ADMIN_TOKEN, `&subject=${squat.body.id}`))[0]).toMatchObject({ action: 'token.revoked', after: { reason: 'principal.unconfined' } });
    // From now on only an unscoped admin issues or revokes grace's tokens.
    expect((await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'grace', kind: 'human', roles: ['approver'], clusters: ['alpha'] }).expect(403)).body.code).toBe(
      'PRINCIPAL_NOT_OWNED',
    );
  });

  it('shows token and principal events to the auditors of every cluster the scope reaches', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'gamma' }).expect(201);
    const alphaAuditor = await t.mintToken({ name: 'alpha-auditor', roles: ['auditor'], clusters: ['alpha'] });
    const gammaAuditor = await t.mintToken({ name: 'gamma-auditor', roles: ['auditor'], clusters: ['gamma'] });
    const both = await t.mintToken({ name: 'alpha-beta-bot', kind: 'bot', roles: ['proposer'], clusters: ['alpha', 'beta'] });
    const everywhere = await t.mintToken({ name: 'everywhere-reader', roles: ['auditor'] });
    await t.http.delete(`/api/v1/tokens/${both.id}`).expect(200);
    const alphaOnly = await t.as(alphaAdmin.token).post('/api/v1/tokens').send({ name: 'alpha-only', kind: 'human', roles: ['proposer'], clusters: ['alpha'] }).expect(201);

    const subjectsFor = async (token: string, action: string): Promise<string[]> => (await trail(token, `&action=${action}`)).map((e) => e.subject.id);
    expect(await subjectsFor(alphaAuditor.token, 'token.created')).toEqual(expect.arrayContaining([both.id, everywhere.id, alphaOnly.body.id]));
    expect(await subjectsFor(alphaAuditor.token, 'token.revoked')).toContain(both.id);
    expect(await subjectsFor(alphaAuditor.token, 'principal.created')).toContain(alphaOnly.body.principal.id);
    expect(await subjectsFor(alphaAuditor.token, 'token.refused')).toContain('sock-one');
    expect(await subjectsFor(gammaAuditor.token, 'token.refused')).not.toContain('sock-one');

    const gammaCreated = await subjectsFor(gammaAuditor.token, 'token.created');
    expect(gammaCreated).toContain(everywhere.id);
    expect(gammaCreated).toContain(gammaAuditor.id);
    expect(gammaCreated).not.toContain(both.id);
    expect(gammaCreated).not.toContain(alphaOnly.body.id);
    expect(gammaCreated).not.toContain(alphaAuditor.id);
    expect(await subjectsFor(gammaAuditor.token, 'token.revoked')).not.toContain(both.id);
    expect(await subjectsFor(gammaAuditor.token, 'principal.created')).not.toContain(alphaOnly.body.principal.id);

    // Cluster events stay confined to the scope; `cluster=` still selects events of that cluster only.
    const gammaAll = await trail(gammaAuditor.token);
    expect(new Set(gammaAll.filter((e) => e.cluster !== null).map((e) => e.cluster))).toEqual(new Set(['gamma']));
    expect(gammaAll.filter((e) => e.cluster === null).every((e) => ['token', 'principal'].includes(e.subject.type))).toBe(true);
    expect((await trail(alphaAuditor.token, '&cluster=alpha')).every((e) => e.cluster === 'alpha')).toBe(true);
    const gqlEvents = await t.gql<{ auditEvents: { items: { subject: { id: string } }[] } }>(
      '{ auditEvents(action: "token.created", first: 100) { items { subject { id } } } }',
      {},
      alphaAuditor.token,
    );
    expect(gqlEvents.errors).toBeUndefined();
    expect(gqlEvents.data?.auditEvents.items.map((e) => e.subject.id)).toContain(both.id);
  });
});
