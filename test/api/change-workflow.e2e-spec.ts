import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Client } from 'pg';
import { parseAllDocuments } from 'yaml';

import { ApprovalStatusRefresher } from '../../libs/proposals/src';
import { connectTo } from '../../libs/testing/src';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

const articleYaml = readFileSync(join(__dirname, '..', 'fixtures', 'seed', 'article-policies.yaml'), 'utf8');
const articlePolicies = parseAllDocuments(articleYaml).map((doc) => doc.toJS() as { metadata: { name: string; namespace?: string } });

/** A small NetworkPolicy in namespace `default`. */
function policy(name: string, port = 80): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'default' },
    spec: { podSelector: { matchLabels: { app: name } }, ingress: [{ ports: [{ port }] }] },
  };
}

describe('change workflow: proposals, reviews, approval rules, merge, audit (REST and GraphQL)', () => {
  let t: TestApp;
  let sql: Client;
  let bot: MintedToken;
  let alice: MintedToken;
  let bob: MintedToken;
  let auditor: MintedToken;
  let author: MintedToken;

  const count = async (query: string, params: unknown[] = []): Promise<number> => (await sql.query(query, params)).rows[0].n as number;
  const versionCount = (cluster: string): Promise<number> =>
    count('SELECT count(*)::int AS n FROM policy_set_versions v JOIN clusters c ON c.id = v.cluster_id WHERE c.name = $1', [cluster]);

  async function cluster(name: string, policies: unknown[], labels: Record<string, string> = {}): Promise<void> {
    await t.http.post('/api/v1/clusters').send({ name, labels }).expect(201);
    await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies }).expect(201);
  }

  async function propose(token: string, clusterName: string, body: Record<string, unknown>): Promise<{ id: string; status: string }> {
    // Prefer: wait: answer once the analysis is READY, so approvals right after are accepted.
    const response = await t.as(token).post(`/api/v1/clusters/${clusterName}/proposals`).set('Prefer', 'wait=30').send({ title: 'change', ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; status: string };
  }

  const approve = (token: string, id: string) => t.as(token).post(`/api/v1/proposals/${id}/reviews`).send({ verdict: 'APPROVE' });

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    bot = await t.mintToken({ name: 'gitops-bot', kind: 'bot', roles: ['proposer'], clusters: ['prod', 'dev'] });
    alice = await t.mintToken({ name: 'alice', roles: ['approver'], groups: ['security'] });
    bob = await t.mintToken({ name: 'bob', roles: ['approver'] });
    auditor = await t.mintToken({ name: 'audrey', roles: ['auditor'] });
    author = await t.mintToken({ name: 'carol', roles: ['proposer', 'approver'] });
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it("walks through the seed article: a bot proposes, a human approves, the bot merges, the trail shows it all", async () => {
    await cluster('prod', [policy('legacy-allow-web')], { env: 'prod' });

    const submit = () =>
      t
        .as(bot.token)
        .post('/api/v1/clusters/prod/proposals?mode=replace&baseVersion=1&title=Lock%20down%20default&sourceKind=github-pr&sourceUrl=https://git.example.com/net/pull/42&sourceCommit=abc123')
        .set('Content-Type', 'application/yaml')
        .set('Idempotency-Key', 'pr-42@abc123')
        .set('Prefer', 'wait=30')
        .send(articleYaml);
    const created = await submit().expect(201);
    expect(created.body).toMatchObject({
      cluster: 'prod',
      status: 'OPEN',
      baseVersion: 1,
      author: { name: 'gitops-bot', kind: 'bot', id: bot.principalId },
      source: { kind: 'github-pr', url: 'https://git.example.com/net/pull/42', commit: 'abc123' },
      approvals: { required: { approvals: 1 }, missing: { approvals: 1 }, satisfied: false },
    });
    expect(created.body.touchedPolicies).toEqual([...articlePolicies.map((p) => `default/${p.metadata.name}`), 'default/legacy-allow-web'].sort());
    const diff = created.body.diff as { name: string; change: string; diff: string; before: string | null; after: string | null }[];
    expect(diff.filter((d) => d.change === 'ADDED')).toHaveLength(5);
    expect(diff.find((d) => d.change === 'DELETED')).toMatchObject({ name: 'legacy-allow-web', after: null });
    expect(diff.find((d) => d.name === 'egress-access-myapp')?.diff).toContain('+        cidr: 1.1.1.1/32');

    // A retried submission returns the first result instead of a duplicate.
    const retried = await submit().expect(201);
    expect(retried.body.id).toBe(created.body.id);
    expect(await count('SELECT count(*)::int AS n FROM proposals')).toBe(1);

    const approved = await approve(alice.token, created.body.id).expect(201);
    expect(approved.body).toMatchObject({ status: 'APPROVED', approvals: { satisfied: true, received: { approvals: 1, approvers: [{ name: 'alice' }] } } });

    const merged = await t.as(bot.token).post(`/api/v1/proposals/${created.body.id}/merge`).expect(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 2, mergedOntoVersion: 1, closedBy: { name: 'gitops-bot' } });

    const v2 = await t.as(auditor.token).get('/api/v1/clusters/prod/versions/2').expect(200);
    expect(v2.body).toMatchObject({ number: 2, parentNumber: 1, origin: 'PROPOSAL', sourceProposalId: created.body.id, author: { name: 'gitops-bot' } });
    expect((v2.body.policies as { metadata: { name: string } }[]).map((p) => p.metadata.name)).toEqual(articlePolicies.map((p) => p.metadata.name).sort());
    expect(v2.body.policies).toEqual(
      articlePolicies.map((p) => ({ ...p, metadata: { ...p.metadata, namespace: 'default' } })).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
    );
    expect((await t.http.get('/api/v1/clusters/prod').expect(200)).body).toMatchObject({ headVersion: 2, desiredVersion: 2 });

    const trail = await t.as(auditor.token).get('/api/v1/audit?cluster=prod').expect(200);
    const steps = (trail.body.items as { action: string; actor: { name: string; kind: string } }[]).map((e) => [e.action, e.actor.name, e.actor.kind]);
    expect(steps).toEqual([
      ['proposal.merged', 'gitops-bot', 'bot'],
      ['review.submitted', 'alice', 'human'],
      ['proposal.analyzed', 'analysis', 'system'],
      ['proposal.created', 'gitops-bot', 'bot'],
      ['version.imported', 'bootstrap-admin', 'human'],
      ['cluster.registered', 'bootstrap-admin', 'human'],
    ]);
    expect(trail.body.items[0]).toMatchObject({ subject: { type: 'proposal', id: created.body.id }, after: { version: 2 }, requestId: expect.any(String) });

    const gqlTrail = await t.gql<{ auditEvents: { items: unknown[] } }>(
      `{ auditEvents(cluster: "prod") { items { id seq createdAt actor { id name kind } action cluster subject { type id } before after requestId clientAddress prevHash hash } nextCursor } }`,
      {},
      auditor.token,
    );
    expect(gqlTrail.errors).toBeUndefined();
    expect(gqlTrail.data?.auditEvents).toEqual(trail.body);

    const verify = await t.as(auditor.token).get('/api/v1/audit/verify').expect(200);
    expect(verify.body).toMatchObject({ ok: true, firstBroken: null });
    expect(verify.body.eventsChecked).toBe(verify.body.headSeq);
  });

  it('refuses self-approval with 403, stores no review, and audits the attempt', async () => {
    await cluster('dev', [policy('web')]);
    const proposal = await propose(author.token, 'dev', { baseVersion: 1, changes: { upsert: [policy('web', 8080)] } });
    const response = await approve(author.token, proposal.id).expect(403);
    expect(response.body.code).toBe('SELF_APPROVAL_FORBIDDEN');
    expect(await count('SELECT count(*)::int AS n FROM reviews WHERE proposal_id = $1', [proposal.id])).toBe(0);
    expect((await t.http.get(`/api/v1/proposals/${proposal.id}`).expect(200)).body.status).toBe('OPEN');
    const attempts = await t.as(auditor.token).get(`/api/v1/audit?action=review.self_approval_refused&subject=${proposal.id}`).expect(200);
    expect(attempts.body.items).toHaveLength(1);
    expect(attempts.body.items[0].actor.name).toBe('carol');
    // The same rule through GraphQL.
    const gql = await t.gql(`mutation { reviewProposal(id: "${proposal.id}", input: {verdict: "APPROVE"}) { status } }`, {}, author.token);
    expect(gql.errors?.[0]?.extensions?.code).toBe('SELF_APPROVAL_FORBIDDEN');
    // Only approving is refused: the author (who also holds the approver role) may comment.
    await t.as(author.token).post(`/api/v1/proposals/${proposal.id}/reviews`).send({ verdict: 'COMMENT', comment: 'ready' }).expect(201);
  });

  it('answers an out-of-scope cluster exactly like a nonexistent one, and hides its proposals', async () => {
    await cluster('secret-prod', [policy('db')]);
    const hidden = await propose(author.token, 'secret-prod', { baseVersion: 1, changes: { upsert: [policy('db', 5432)] } });
    const scrub = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined, detail: String(body['detail']).replace(/"[^"]+"/, '"?"') });
    const existing = await t.as(bot.token).get('/api/v1/clusters/secret-prod').expect(403);
    const missing = await t.as(bot.token).get('/api/v1/clusters/no-such-cluster').expect(403);
    expect(existing.body.code).toBe('FORBIDDEN');
    expect(scrub(existing.body)).toEqual(scrub(missing.body));
    await t.as(bot.token).get('/api/v1/clusters/secret-prod/versions').expect(403);
    await t.as(bot.token).post('/api/v1/clusters/secret-prod/proposals').send({ title: 'x', baseVersion: 1, changes: { upsert: [policy('db', 1)] } }).expect(403);
    const list = await t.as(bot.token).get('/api/v1/clusters').expect(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).not.toContain('secret-prod');

    const byId = await t.as(bot.token).get(`/api/v1/proposals/${hidden.id}`).expect(404);
    const random = await t.as(bot.token).get('/api/v1/proposals/00000000-0000-4000-8000-000000000000').expect(404);
    expect(byId.body.code).toBe('PROPOSAL_NOT_FOUND');
    expect(scrub(byId.body)).toEqual({ ...scrub(random.body), detail: scrub(byId.body).detail });
    await t.as(bot.token).post(`/api/v1/proposals/${hidden.id}/merge`).expect(404);

    const gqlExisting = await t.gql('{ cluster(name: "secret-prod") { name } }', {}, bot.token);
    const gqlMissing = await t.gql('{ cluster(name: "no-such-cluster") { name } }', {}, bot.token);
    expect(gqlExisting.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(gqlMissing.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Wrong role: an auditor cannot propose, an approver-less bot cannot review.
    expect((await t.as(auditor.token).post('/api/v1/clusters/dev/proposals').send({ title: 'x', baseVersion: 1, changes: { upsert: [policy('a')] } }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await approve(bot.token, hidden.id).expect(404)).body.code).toBe('PROPOSAL_NOT_FOUND');
  });

  it('blocks the merge on a REQUEST_CHANGES until the proposal changes (then it is stale)', async () => {
    await cluster('stale', [policy('web'), policy('api')]);
    const p = await propose(author.token, 'stale', { baseVersion: 1, changes: { upsert: [policy('web', 81)] } });
    await t.as(alice.token).post(`/api/v1/proposals/${p.id}/reviews`).send({ verdict: 'REQUEST_CHANGES', comment: 'use 8080' }).expect(201);
    const afterBob = await approve(bob.token, p.id).expect(201);
    expect(afterBob.body).toMatchObject({ status: 'CHANGES_REQUESTED', approvals: { blockedBy: [{ name: 'alice' }], received: { approvals: 1 } } });
    const refused = await t.as(author.token).post(`/api/v1/proposals/${p.id}/merge`).expect(409);
    expect(refused.body.code).toBe('PROPOSAL_NOT_APPROVED');
    expect(refused.body.detail).toContain('alice');
    expect(await versionCount('stale')).toBe(1);

    // Someone else cannot edit it; the author can, which dismisses every earlier review.
    await t.as(bob.token).patch(`/api/v1/proposals/${p.id}`).send({ changes: { upsert: [policy('web', 8080)] } }).expect(403);
    const patched = await t.as(author.token).patch(`/api/v1/proposals/${p.id}`).set('Prefer', 'wait=30').send({ changes: { upsert: [policy('web', 8080)] } }).expect(200);
    expect(patched.body).toMatchObject({ status: 'OPEN', revision: 2, approvals: { blockedBy: [], received: { approvals: 0 } } });
    expect(patched.body.reviews.map((r: { dismissed: boolean }) => r.dismissed)).toEqual([true, true]);
    expect((await approve(bob.token, p.id).expect(201)).body.status).toBe('APPROVED');
    const merged = await t.as(author.token).post(`/api/v1/proposals/${p.id}/merge`).expect(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 2 });

    // A double merge is refused and changes nothing.
    const again = await t.as(author.token).post(`/api/v1/proposals/${p.id}/merge`).expect(409);
    expect(again.body.code).toBe('PROPOSAL_ALREADY_MERGED');
    expect(await versionCount('stale')).toBe(2);
    const { rows } = await sql.query('SELECT status, merged_version FROM proposals WHERE id = $1', [p.id]);
    expect(rows).toEqual([{ status: 'MERGED', merged_version: 2 }]);
  });

  it('rebases disjoint changes and marks overlapping ones CONFLICTED with the overlapping policies', async () => {
    await cluster('rebase', [policy('web'), policy('api'), policy('db')]);
    const first = await propose(author.token, 'rebase', { baseVersion: 1, changes: { upsert: [policy('web', 81)] } });
    const disjoint = await propose(author.token, 'rebase', { baseVersion: 1, changes: { delete: [{ namespace: 'default', name: 'db' }] } });
    const overlapping = await propose(author.token, 'rebase', { baseVersion: 1, changes: { upsert: [policy('web', 82), policy('cache')] } });
    for (const p of [first, disjoint, overlapping]) await approve(alice.token, p.id).expect(201);
    await t.as(alice.token).post(`/api/v1/proposals/${first.id}/merge`).expect(200);

    const rebased = await t.as(alice.token).post(`/api/v1/proposals/${disjoint.id}/merge`).expect(200);
    expect(rebased.body).toMatchObject({ status: 'MERGED', baseVersion: 1, mergedOntoVersion: 2, mergedVersion: 3 });
    const v3 = await t.http.get('/api/v1/clusters/rebase/versions/3').expect(200);
    expect(v3.body.policies.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['api', 'web']);
    expect(v3.body.policies[1].spec.ingress[0].ports[0].port).toBe(81);

    const conflict = await t.as(alice.token).post(`/api/v1/proposals/${overlapping.id}/merge`).expect(409);
    expect(conflict.body).toMatchObject({ code: 'PROPOSAL_CONFLICTED', errors: [{ path: 'default/web' }] });
    const { rows } = await sql.query('SELECT status, conflict_policies FROM proposals WHERE id = $1', [overlapping.id]);
    expect(rows).toEqual([{ status: 'CONFLICTED', conflict_policies: ['default/web'] }]);
    expect(await versionCount('rebase')).toBe(3);
    const events = await t.as(auditor.token).get(`/api/v1/audit?subject=${overlapping.id}&action=proposal.conflicted`).expect(200);
    expect(events.body.items[0].after.conflictPolicies).toEqual(['default/web']);

    // The author resolves it by rebasing the proposal onto the head: OPEN again, reviews dismissed.
    const resolved = await t.as(author.token).patch(`/api/v1/proposals/${overlapping.id}`).send({ baseVersion: 3 }).expect(200);
    expect(resolved.body).toMatchObject({ status: 'OPEN', baseVersion: 3, conflictPolicies: [], revision: 2 });
  });

  it('serialises many concurrent merges: gap-free versions, nothing lost or applied twice', async () => {
    const base = [policy('shared'), ...Array.from({ length: 10 }, (_, i) => policy(`svc-${i}`))];
    await cluster('busy', base);
    const disjoint = await Promise.all(Array.from({ length: 10 }, (_, i) => propose(author.token, 'busy', { baseVersion: 1, changes: { upsert: [policy(`svc-${i}`, 9000 + i)] } })));
    const overlapping = await Promise.all([1, 2, 3].map((n) => propose(author.token, 'busy', { baseVersion: 1, changes: { upsert: [policy('shared', 7000 + n)] } })));
    for (const p of [...disjoint, ...overlapping]) await approve(alice.token, p.id).expect(201);

    const responses = await Promise.all([...disjoint, ...overlapping].map((p) => t.as(alice.token).post(`/api/v1/proposals/${p.id}/merge`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses.slice(10).sort()).toEqual([200, 409, 409]);
    expect(responses.slice(10).filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(['PROPOSAL_CONFLICTED', 'PROPOSAL_CONFLICTED']);

    const { rows } = await sql.query(
      `SELECT v.number, v.parent_number, v.source_proposal_id FROM policy_set_versions v JOIN clusters c ON c.id = v.cluster_id WHERE c.name = 'busy' ORDER BY v.number`,
    );
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows.slice(1).every((r, i) => r.parent_number === i + 1)).toBe(true);
    expect(new Set(rows.slice(1).map((r) => r.source_proposal_id)).size).toBe(11);

    const head = await t.http.get('/api/v1/clusters/busy/versions/head').expect(200);
    expect(head.body.number).toBe(12);
    const port = (name: string) =>
      (head.body.policies as { metadata: { name: string }; spec: { ingress: { ports: { port: number }[] }[] } }[]).find((p) => p.metadata.name === name)?.spec.ingress[0]?.ports[0]?.port;
    for (let i = 0; i < 10; i++) expect(port(`svc-${i}`)).toBe(9000 + i);
    const winner = responses.slice(10).findIndex((r) => r.status === 200);
    expect(port('shared')).toBe(7001 + winner);
    expect(head.body.policyCount).toBe(11);
    const verify = await t.as(auditor.token).get('/api/v1/audit/verify').expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it('refuses empty proposals (422), deletes of missing policies (400), and validates input', async () => {
    await cluster('checks', [policy('web')]);
    const same = await t.as(author.token).post('/api/v1/clusters/checks/proposals').send({ title: 'noop', baseVersion: 1, changes: { upsert: [{ ...policy('web'), spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }] } }] } });
    expect(same.status).toBe(422);
    expect(same.body.code).toBe('PROPOSAL_HAS_NO_EFFECT');
    const del = await t.as(author.token).post('/api/v1/clusters/checks/proposals').send({ title: 'x', baseVersion: 1, changes: { delete: [{ namespace: 'default', name: 'nope' }] } }).expect(400);
    expect(del.body).toMatchObject({ code: 'POLICY_NOT_IN_BASE', errors: [{ path: 'changes.delete[0]' }] });
    const bad = await t.as(author.token).post('/api/v1/clusters/checks/proposals').send({ title: 'x', baseVersion: 1, changes: { upsert: [{ ...policy('web'), spec: { ingress: [{ ports: [{ port: 70000 }] }] } }] } }).expect(400);
    expect(bad.body.code).toBe('MANIFEST_INVALID');
    await t.as(author.token).post('/api/v1/clusters/checks/proposals').send({ baseVersion: 1, changes: { upsert: [policy('x')] } }).expect(400);
    await t.as(author.token).post('/api/v1/clusters/checks/proposals').send({ title: 'x', baseVersion: 9, changes: { upsert: [policy('x')] } }).expect(404);
    expect(await count("SELECT count(*)::int AS n FROM proposals p JOIN clusters c ON c.id = p.cluster_id WHERE c.name = 'checks'")).toBe(0);
    const reused = await t.as(author.token).post('/api/v1/clusters/checks/proposals').set('Idempotency-Key', 'k1').send({ title: 'a', baseVersion: 1, changes: { upsert: [policy('x')] } }).expect(201);
    const conflict = await t.as(author.token).post('/api/v1/clusters/checks/proposals').set('Idempotency-Key', 'k1').send({ title: 'b', baseVersion: 1, changes: { upsert: [policy('x')] } }).expect(409);
    expect(conflict.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(conflict.body.detail).toContain(reused.body.id);
  });

  it('applies approval rules by cluster label, re-deriving open proposals when a rule changes', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'ruled', labels: { env: 'prod', tier: 'core' } }).expect(201);
    await t.http.post('/api/v1/clusters/ruled/versions/import').send({ policies: [policy('web')] }).expect(201);
    const p = await propose(author.token, 'ruled', { baseVersion: 1, changes: { upsert: [policy('web', 443)] } });
    expect((await approve(bob.token, p.id).expect(201)).body.status).toBe('APPROVED');

    await t.as(alice.token).put('/api/v1/approval-rules/prod-core').send({ matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'] }).expect(403);
    const longGroup = await t.http.put('/api/v1/approval-rules/prod-core').send({ matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['s'.repeat(64)] }).expect(400);
    expect(longGroup.body.errors).toEqual([{ path: 'requiredGroups', message: expect.stringContaining('each required group must be a DNS-1123 label') }]);
    await t.http.put(`/api/v1/approval-rules/${'r'.repeat(64)}`).send({ matchLabels: {}, minApprovals: 1, requiredGroups: [] }).expect(400);
    const rule = await t.http.put('/api/v1/approval-rules/prod-core').send({ matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'] }).expect(200);
    expect(rule.body).toMatchObject({ name: 'prod-core', minApprovals: 2, requiredGroups: ['security'], matchLabels: { env: 'prod' } });
    const reevaluated = await t.http.get(`/api/v1/proposals/${p.id}`).expect(200);
    expect(reevaluated.body).toMatchObject({ status: 'OPEN', approvals: { rules: ['prod-core'], missing: { approvals: 1, groups: ['security'] } } });
    // A list by status reads the stored status, which the refresher re-derives in the background after
    // a rule change: wait for a refresh begun after this one committed.
    await t.app.get(ApprovalStatusRefresher).request();
    const listed = await t.http.get('/api/v1/clusters/ruled/proposals?status=OPEN').expect(200);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([p.id]);
    expect((await t.http.get('/api/v1/clusters/ruled/proposals?status=APPROVED').expect(200)).body.items).toEqual([]);
    expect((await approve(alice.token, p.id).expect(201)).body.status).toBe('APPROVED');

    const gqlRules = await t.gql<{ approvalRules: { name: string }[] }>('{ approvalRules { name minApprovals requiredGroups matchLabels } }');
    expect(gqlRules.data?.approvalRules).toEqual([{ name: 'prod-core', minApprovals: 2, requiredGroups: ['security'], matchLabels: { env: 'prod' } }]);
    await t.http.delete('/api/v1/approval-rules/prod-core').expect(200);
    await t.http.delete('/api/v1/approval-rules/prod-core').expect(404);
  });

  it('reverts through a normal proposal, withdraws and rejects, all through GraphQL too', async () => {
    const revert = await t.as(author.token).post('/api/v1/clusters/stale/revert').send({ toVersion: 1 }).expect(201);
    expect(revert.body).toMatchObject({ title: 'Revert to version 1', revertsToVersion: 1, baseVersion: 2, status: 'OPEN', source: { kind: 'revert' }, touchedPolicies: ['default/web'] });
    const gqlView = await t.gql<{ proposal: { id: string; status: string; diff: { change: string }[] } }>(`{ proposal(id: "${revert.body.id}") { id status diff { change } } }`);
    expect(gqlView.data?.proposal).toEqual({ id: revert.body.id, status: 'OPEN', diff: [{ change: 'MODIFIED' }] });

    await t.as(bob.token).post(`/api/v1/proposals/${revert.body.id}/withdraw`).expect(403);
    const withdrawn = await t.gql<{ withdrawProposal: { status: string } }>(`mutation { withdrawProposal(id: "${revert.body.id}") { status } }`, {}, author.token);
    expect(withdrawn.data?.withdrawProposal.status).toBe('WITHDRAWN');
    expect((await approve(alice.token, revert.body.id).expect(409)).body.code).toBe('PROPOSAL_CLOSED');

    const created = await t.gql<{ createProposal: { id: string; status: string; changes: { upsert: unknown[] } } }>(
      `mutation($input: CreateProposalInput!) { createProposal(cluster: "stale", input: $input, idempotencyKey: "gql-1", waitSeconds: 30) { id status changes { upsert delete { namespace name } } } }`,
      { input: { title: 'via graphql', baseVersion: 2, changes: { upsert: [policy('api', 9999)] } } },
      author.token,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data?.createProposal.id;
    const reviewed = await t.gql<{ reviewProposal: { status: string } }>(`mutation { reviewProposal(id: "${id}", input: { verdict: "APPROVE" }) { status } }`, {}, alice.token);
    expect(reviewed.data?.reviewProposal.status).toBe('APPROVED');
    const rejected = await t.gql<{ rejectProposal: { status: string; closeComment: string } }>(`mutation { rejectProposal(id: "${id}", comment: "not now") { status closeComment } }`, {}, bob.token);
    expect(rejected.data?.rejectProposal).toEqual({ status: 'REJECTED', closeComment: 'not now' });
    const merge = await t.gql(`mutation { mergeProposal(id: "${id}") { status } }`, {}, alice.token);
    expect(merge.errors?.[0]?.extensions?.code).toBe('PROPOSAL_CLOSED');

    const list = await t.gql<{ proposals: { items: { status: string }[] } }>('{ proposals(cluster: "stale", status: [REJECTED, WITHDRAWN]) { items { status } nextCursor } }');
    expect(list.data?.proposals.items.map((i) => i.status).sort()).toEqual(['REJECTED', 'WITHDRAWN']);
  });
});
