import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Client } from 'pg';
import { parseAllDocuments } from 'yaml';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'seed', name), 'utf8');
const articlePolicies = parseAllDocuments(fixture('article-policies.yaml')).map((doc) => {
  const policy = doc.toJS() as { metadata: { name: string; namespace?: string } };
  return { ...policy, metadata: { ...policy.metadata, namespace: policy.metadata.namespace ?? 'default' } };
});
const defaultDeny = articlePolicies.find((p) => p.metadata.name === 'default-deny-all');
const inventoryYaml = fixture('article-inventory.yaml');
const MYAPP_EGRESS = 'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443';

interface AnalysisBody {
  status: string;
  hash: string | null;
  inventory: { id: string; source: string; contentHash: string; takenAt: string } | null;
  summary: { flowsOpened: number; flowsClosed: number; connectivityChange: boolean | null; maxSeverity: string } | null;
  findings: { code: string; flow: string | null }[];
  flows?: { opened: { text: string }[]; closed: { text: string }[]; totalOpened: number; nextCursor: string | null };
}

describe('proposal analysis: every revision analysed, risk-driven approvals bound to the analysed change', () => {
  let t: TestApp;
  let sql: Client;
  let bot: MintedToken;
  let alice: MintedToken;
  let sam: MintedToken;
  let bob: MintedToken;

  const events = async (subject: string, action: string): Promise<Record<string, unknown>[]> =>
    (await sql.query('SELECT after FROM audit_events WHERE subject_id = $1 AND action = $2 ORDER BY seq', [subject, action])).rows.map((r) => r.after as Record<string, unknown>);

  async function cluster(name: string, policies: unknown[], labels: Record<string, string> = {}): Promise<void> {
    await t.http.post('/api/v1/clusters').send({ name, labels }).expect(201);
    await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies }).expect(201);
  }

  const uploadInventory = async (name: string, yaml: string): Promise<{ id: string }> => {
    const response = await t.http.put(`/api/v1/clusters/${name}/inventory`).set('Content-Type', 'application/yaml').send(yaml);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string };
  };

  async function propose(token: string, name: string, body: Record<string, unknown>): Promise<{ id: string; status: string; analysis: AnalysisBody }> {
    const response = await t.as(token).post(`/api/v1/clusters/${name}/proposals`).set('Prefer', 'wait=30').send({ title: 'change', ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.headers['preference-applied']).toBe('wait=30');
    return response.body as { id: string; status: string; analysis: AnalysisBody };
  }

  const approve = (token: string, id: string) => t.as(token).post(`/api/v1/proposals/${id}/reviews`).send({ verdict: 'APPROVE' });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the proposal view is asserted field by field below
  const get = async (id: string) => (await t.http.get(`/api/v1/proposals/${id}`).expect(200)).body as Record<string, any>;

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ ANALYSIS_RECONCILE_MS: '500' });
    sql = await connectTo(t.db.url);
    bot = await t.mintToken({ name: 'gitops-bot', kind: 'bot', roles: ['proposer', 'approver'] });
    alice = await t.mintToken({ name: 'alice', roles: ['approver'], groups: ['security'] });
    sam = await t.mintToken({ name: 'sam', roles: ['approver'], groups: ['security'] });
    bob = await t.mintToken({ name: 'bob', roles: ['approver'] });
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('analyses without an inventory on the policies alone: inventory null, no flows, findings that need no pods', async () => {
    await cluster('bare', [defaultDeny]);
    const created = await propose(bot.token, 'bare', { policies: articlePolicies, title: 'article' });
    expect(created.analysis.status).toBe('READY');
    expect(created.analysis.inventory).toBeNull();
    expect(created.analysis.summary?.connectivityChange).toBeNull();
    expect(created.analysis.summary?.flowsOpened).toBe(0);
    expect(created.analysis.findings.map((f) => f.code)).toContain('EGRESS_TO_INTERNET');
    const detail = (await t.http.get(`/api/v1/proposals/${created.id}/analysis`).expect(200)).body as AnalysisBody;
    expect(detail.flows).toMatchObject({ opened: [], closed: [], totalOpened: 0, nextCursor: null });
  });

  it('walks the seed article through the API: analysis, a risk rule needing two security approvals, merge', async () => {
    await cluster('demo', [defaultDeny], { env: 'demo' });
    const snapshot = await uploadInventory('demo', inventoryYaml);
    await t.http
      .put('/api/v1/approval-rules/internet-egress')
      .send({ matchLabels: { env: 'demo' }, minApprovals: 2, requiredGroups: ['security'], when: { findings: ['EGRESS_TO_INTERNET_OPENED'] } })
      .expect((r) => expect([200, 201]).toContain(r.status));

    const created = await propose(bot.token, 'demo', { policies: articlePolicies, title: 'Allow myapp egress to 1.1.1.1:443', source: { kind: 'github-pr', url: 'https://git.example/pr/7', commit: 'abc123' } });
    const analysis = created.analysis;
    expect(analysis.status).toBe('READY');
    expect(analysis.inventory).toMatchObject({ id: snapshot.id, source: 'UPLOAD' });
    expect(analysis.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(analysis.summary?.connectivityChange).toBe(true);
    expect(analysis.summary?.maxSeverity).toBe('high');
    expect(analysis.findings).toContainEqual(expect.objectContaining({ code: 'EGRESS_TO_INTERNET_OPENED', flow: MYAPP_EGRESS }));

    const detail = (await t.http.get(`/api/v1/proposals/${created.id}/analysis`).expect(200)).body as AnalysisBody;
    expect(detail.flows?.opened.map((f) => f.text)).toContain(MYAPP_EGRESS);
    expect(detail.flows?.opened.map((f) => f.text)).toContain('default/myapp[Deployment] => kube-system/kube-dns[Deployment] : TCP 53; UDP 53');
    // Paged: one flow per page, opened first, the cursor walking them all.
    const first = (await t.http.get(`/api/v1/proposals/${created.id}/analysis?limit=1`).expect(200)).body as AnalysisBody;
    expect(first.flows?.opened).toHaveLength(1);
    const second = (await t.http.get(`/api/v1/proposals/${created.id}/analysis?limit=1&cursor=${first.flows?.nextCursor}`).expect(200)).body as AnalysisBody;
    expect(second.flows?.opened[0]?.text).not.toBe(first.flows?.opened[0]?.text);
    await t.http.get(`/api/v1/proposals/${created.id}/analysis?cursor=nonsense`).expect(400);

    // The requirement names the rule, the finding and the flow.
    const view = await get(created.id);
    expect(view.requiredApprovals).toMatchObject({ count: 2, groups: ['security'] });
    expect(view.requiredApprovals.reasons).toContainEqual(
      expect.objectContaining({ rule: 'internet-egress', finding: 'EGRESS_TO_INTERNET_OPENED', flow: MYAPP_EGRESS, message: `rule \`internet-egress\`: EGRESS_TO_INTERNET_OPENED ${MYAPP_EGRESS}` }),
    );

    // Markdown for the pull request, Graphviz for the picture.
    const markdown = await t.http.get(`/api/v1/proposals/${created.id}/analysis`).set('Accept', 'text/markdown').expect(200);
    expect(markdown.headers['content-type']).toMatch(/^text\/markdown/);
    expect(markdown.text).toContain('## Palisade analysis: Allow myapp egress to 1.1.1.1:443');
    expect(markdown.text).toContain(`+ ${MYAPP_EGRESS}`);
    expect(markdown.text).toContain('`EGRESS_TO_INTERNET_OPENED`');
    expect(markdown.text).toContain(`- rule \`internet-egress\`: EGRESS_TO_INTERNET_OPENED ${MYAPP_EGRESS}`);
    const dot = await t.http.get(`/api/v1/proposals/${created.id}/analysis`).set('Accept', 'text/vnd.graphviz').expect(200);
    expect(dot.text).toContain('"default/myapp[Deployment]" -> "1.1.1.1/32" [label="+ TCP 443", color="darkgreen"];');
    await t.http.get(`/api/v1/proposals/${created.id}/analysis`).set('Accept', 'image/png').expect(400);

    // One security approval is not enough; a bot's approval never counts here; two are.
    expect((await approve(alice.token, created.id)).body.status).toBe('OPEN');
    const robo = await t.mintToken({ name: 'robo', kind: 'bot', roles: ['approver'], groups: ['security'] });
    const byBot = await approve(robo.token, created.id);
    expect(byBot.status).toBe(201); // recorded...
    expect(byBot.body.status).toBe('OPEN'); // ...but a bot's approval does not count without allowBotApprovals
    expect(byBot.body.approvals.ignoredApprovals).toEqual([{ reviewer: { id: robo.principalId, name: 'robo' }, reason: 'BOT_APPROVAL' }]);
    expect(byBot.body.approvals.received.approvals).toBe(1);
    await t.http.post(`/api/v1/proposals/${created.id}/merge`).expect(409);
    const second2 = await approve(sam.token, created.id);
    expect(second2.status).toBe(201);
    expect(second2.body.status).toBe('APPROVED');
    expect(second2.body.reviews.map((r: { analysisHash: string }) => r.analysisHash)).toEqual([analysis.hash, analysis.hash, analysis.hash]);

    const merged = await t.as(bot.token).post(`/api/v1/proposals/${created.id}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', mergedVersion: 2 });
    expect((await events(created.id, 'proposal.analyzed'))[0]).toMatchObject({ hash: analysis.hash });
    const mergedAt = new Date(merged.body.closedAt as string).getTime();

    // The auditor's question: who opened egress to 1.1.1.1:443 in demo, approved by whom, and is it still open?
    const auditor = await t.mintToken({ name: 'audrey', roles: ['auditor'], clusters: ['demo'] });
    const history = await t.as(auditor.token).get('/api/v1/connections/history?cluster=demo&to=1.1.1.1&port=443').expect(200);
    // Also the namespaces without policies, open to every address since the first picture (INITIAL, version 1).
    const byCause = (items: { cause: string; source: { text: string } }[]) => items.map((r) => `${r.cause} ${r.source.text}`);
    expect(new Set(byCause(history.body.items))).toEqual(new Set(['PROPOSAL default/myapp[Deployment]', 'INITIAL ingress-nginx/ingress-nginx[Deployment]', 'INITIAL kube-system/kube-dns[Deployment]']));
    expect(history.body.items[0].cause).toBe('PROPOSAL'); // newest first
    const mine = await t.as(auditor.token).get('/api/v1/connections/history?cluster=demo&from=default/myapp&to=1.1.1.1&port=443').expect(200);
    expect(mine.body.items).toHaveLength(1);
    const opened = mine.body.items[0];
    expect(opened).toMatchObject({
      change: 'OPENED',
      cause: 'PROPOSAL',
      version: 2,
      protocol: 'TCP',
      ports: { from: 443, to: 443 },
      source: { text: 'default/myapp[Deployment]' },
      destination: { text: '1.1.1.1/32' },
      proposal: { id: created.id },
      author: { name: 'gitops-bot', kind: 'bot' },
    });
    expect(opened.approvers.map((a: { name: string }) => a.name).sort()).toEqual(['alice', 'sam']);
    expect(Math.abs(new Date(opened.occurredAt as string).getTime() - mergedAt)).toBeLessThan(5_000);
    const open = await t.as(auditor.token).get('/api/v1/connections/open?cluster=demo&from=default/myapp&to=1.1.1.1&port=443').expect(200);
    expect(open.body.items).toHaveLength(1);
    expect(open.body.items[0]).toMatchObject({ ports: { from: 443, to: 443 }, openedBy: { version: 2, cause: 'PROPOSAL', proposal: { id: created.id } } });

    // A later proposal removes the egress: nothing open any more, and the closing change comes first.
    const closing = await propose(bot.token, 'demo', { baseVersion: 2, title: 'Close myapp egress', changes: { upsert: [], delete: [{ namespace: 'default', name: 'egress-access-myapp' }] } });
    expect(closing.analysis.summary?.flowsClosed).toBe(1);
    await approve(alice.token, closing.id).expect(201);
    await t.as(bot.token).post(`/api/v1/proposals/${closing.id}/merge`).expect(200);
    expect((await t.as(auditor.token).get('/api/v1/connections/open?cluster=demo&from=default/myapp&to=1.1.1.1&port=443').expect(200)).body.items).toEqual([]);
    const after = await t.as(auditor.token).get('/api/v1/connections/history?cluster=demo&from=default/myapp&to=1.1.1.1&port=443').expect(200);
    expect(after.body.items.map((r: { change: string; version: number }) => [r.change, r.version])).toEqual([
      ['CLOSED', 3],
      ['OPENED', 2],
    ]);
    expect(after.body.items[0]).toMatchObject({ proposal: { id: closing.id }, approvers: [{ name: 'alice' }] });
  });

  it('records the first connectivity of a cluster as INITIAL once an inventory arrives', async () => {
    const auditor = await t.mintToken({ name: 'audra', roles: ['auditor'] });
    const initial = await until(
      async () => (await t.as(auditor.token).get('/api/v1/connections/history?cluster=demo&from=kube-system/kube-dns&to=kube-system&change=opened').expect(200)).body.items as { cause: string; version: number }[],
      (items) => items.length > 0,
      'the INITIAL records',
    );
    expect(initial[0]).toMatchObject({ cause: 'INITIAL', version: 1 });
  });

  it('needs no review for a named port renamed to its number under a connectivityChange:false rule with 0 approvals', async () => {
    const named = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'default' },
      spec: { podSelector: { matchLabels: { app: 'myapp' } }, ingress: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] },
    };
    const inventory = `apiVersion: v1
kind: Pod
metadata: {name: myapp-1, namespace: default, labels: {app: myapp}}
spec:
  containers:
  - name: app
    image: app
    ports: [{name: http, containerPort: 8080}]
`;
    await cluster('quiet', [named], { env: 'quiet' });
    await uploadInventory('quiet', inventory);
    await t.http.put('/api/v1/approval-rules/semantic-noop').send({ matchLabels: { env: 'quiet' }, minApprovals: 0, when: { connectivityChange: false } }).expect((r) => expect([200, 201]).toContain(r.status));
    const renamed = { ...named, spec: { ...named.spec, ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] } };
    const created = await propose(bot.token, 'quiet', { baseVersion: 1, changes: { upsert: [renamed], delete: [] } });
    expect(created.analysis.summary).toMatchObject({ connectivityChange: false, flowsOpened: 0, flowsClosed: 0 });
    expect(created.status).toBe('APPROVED');
    const view = await get(created.id);
    expect(view.approvals).toMatchObject({ approvedByRule: true, satisfied: true });
    expect(view.requiredApprovals.count).toBe(0);
    expect((await events(created.id, 'proposal.approved_by_rule'))[0]).toMatchObject({ status: 'APPROVED', rules: ['semantic-noop'] });
    const merged = await t.as(bot.token).post(`/api/v1/proposals/${created.id}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.reviews).toEqual([]);
  });

  it('dismisses approvals when an uploaded snapshot relabels a pod into the proposal selector', async () => {
    const base = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: api-1, namespace: shop, labels: {app: api}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: worker-1, namespace: shop, labels: {app: worker}}
spec: {containers: [{name: c, image: i}]}
`;
    const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Egress'] } };
    await cluster('shop', [deny]);
    await uploadInventory('shop', base);
    const allow = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api-egress', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { tier: 'public' } }, egress: [{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ port: 443 }] }] },
    };
    const created = await propose(bot.token, 'shop', { baseVersion: 1, changes: { upsert: [allow], delete: [] } });
    expect(created.analysis.summary?.flowsOpened).toBe(0); // no pod has tier=public yet
    const approved = await approve(bob.token, created.id);
    expect(approved.body.status).toBe('APPROVED');

    // The same content again: the delta is unchanged and the approval is carried to the new hash.
    await uploadInventory('shop', `${base}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n`);
    const carried = await until(() => get(created.id), (v) => v.analysis.inventory?.source === 'UPLOAD' && v.analysis.hash !== created.analysis.hash, 'the re-analysis');
    expect(carried.status).toBe('APPROVED');
    expect(carried.reviews[0]).toMatchObject({ dismissed: false, analysisHash: carried.analysis.hash });

    // worker-1 now carries tier=public: the proposal opens egress for it.
    await uploadInventory('shop', base.replace('labels: {app: worker}', 'labels: {app: worker, tier: public}'));
    const after = await until(() => get(created.id), (v) => (v.analysis.summary?.flowsOpened ?? 0) > 0, 'the re-analysis with the relabelled pod');
    expect(after.status).toBe('OPEN');
    expect(after.reviews[0]).toMatchObject({ dismissed: true, dismissedReason: 'ANALYSIS_CHANGED' });
    expect(after.reviews[0].dismissal).toMatchObject({ previousSummary: { flowsOpened: 0 }, newSummary: { flowsOpened: 1 } });
    expect(after.approvals.received.approvals).toBe(0);
    const dismissed = await events(created.id, 'proposal.approvals_dismissed');
    expect(dismissed).toHaveLength(1);
    expect(dismissed[0]).toMatchObject({ reason: 'ANALYSIS_CHANGED', reviewers: ['bob'] });
  });

  it('refuses a merge with 409 ANALYSIS_CHANGED when the head moved in a way that changes the delta', async () => {
    const open = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'keep', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'x' } }, ingress: [{}] } };
    await cluster('moving', [open]);
    await uploadInventory('moving', inventoryYaml);
    const egress = articlePolicies.find((p) => p.metadata.name === 'egress-access-myapp');
    const created = await propose(bot.token, 'moving', { baseVersion: 1, changes: { upsert: [egress], delete: [] } });
    const before = created.analysis;
    await approve(bob.token, created.id).expect(201);
    // Another change lands first: default-deny egress for `default`, so myapp's egress now matters differently.
    const other = await propose(bot.token, 'moving', { baseVersion: 1, changes: { upsert: [articlePolicies.find((p) => p.metadata.name === 'deny-egress-allow-dns')], delete: [] } });
    await approve(bob.token, other.id).expect(201);
    await t.as(bot.token).post(`/api/v1/proposals/${other.id}/merge`).expect(200);

    const refused = await t.as(bot.token).post(`/api/v1/proposals/${created.id}/merge`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('ANALYSIS_CHANGED');
    const view = await get(created.id);
    expect(view.status).toBe('OPEN');
    expect(view.mergedVersion).toBeNull();
    expect(view.analysis.baseVersion).toBe(2);
    expect(view.analysis.hash).not.toBe(before.hash);
    expect(view.reviews[0]).toMatchObject({ dismissed: true, dismissedReason: 'ANALYSIS_CHANGED' });
    expect((await sql.query("SELECT count(*)::int AS n FROM policy_set_versions v JOIN clusters c ON c.id = v.cluster_id WHERE c.name = 'moving'")).rows[0].n).toBe(2);
  });

  it('refuses approval while the analysis is PENDING or FAILED, and a retry makes it READY again', async () => {
    await cluster('flaky', [defaultDeny]);
    const created = await propose(bot.token, 'flaky', { policies: articlePolicies });
    await sql.query("UPDATE proposal_analyses SET status = 'PENDING' WHERE proposal_id = $1", [created.id]);
    const pending = await approve(bob.token, created.id);
    expect(pending.status).toBe(409);
    expect(pending.body.code).toBe('ANALYSIS_PENDING');
    // The reconcile pass (every 500 ms here) analyses a PENDING one again: let it finish, or its result
    // would land over the FAILED written next.
    await until(() => get(created.id), (v) => v.analysis.status === 'READY', 'the reconcile to analyse the PENDING analysis again');
    await sql.query("UPDATE proposal_analyses SET status = 'FAILED', error = 'engine error: out of memory' WHERE proposal_id = $1", [created.id]);
    const failed = await approve(bob.token, created.id);
    expect(failed.status).toBe(409);
    expect(failed.body.code).toBe('ANALYSIS_FAILED');
    expect((await sql.query('SELECT count(*)::int AS n FROM reviews WHERE proposal_id = $1', [created.id])).rows[0].n).toBe(0);
    await t.as(bob.token).post(`/api/v1/proposals/${created.id}/merge`).expect(409);

    const retried = await t.as(bot.token).post(`/api/v1/proposals/${created.id}/analysis/retry`).set('Prefer', 'wait=30');
    expect(retried.status).toBe(200);
    expect(retried.body.analysis).toMatchObject({ status: 'READY', error: null });
    await approve(bob.token, created.id).expect(201);
    const outsider = await t.mintToken({ name: 'pat', roles: ['proposer'] });
    await t.as(outsider.token).post(`/api/v1/proposals/${created.id}/analysis/retry`).expect(403); // neither author, approver nor admin
  });

  it('serves the analysis through GraphQL as a nested field with paged flows', async () => {
    const egress = articlePolicies.find((p) => p.metadata.name === 'egress-access-myapp');
    const created = await propose(bot.token, 'demo', { baseVersion: 3, changes: { upsert: [egress], delete: [] } });
    const result = await t.gql<{ proposal: { analysis: { status: string; summary: { flowsOpened: number }; flows: { opened: { text: string }[] } } } }>(
      `query ($id: String!) { proposal(id: $id) { analysis { status summary { flowsOpened } flows(first: 50) { opened { text } } } } }`,
      { id: created.id },
    );
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data?.proposal.analysis.status).toBe('READY');
    expect(result.data?.proposal.analysis.summary.flowsOpened).toBe(1);
    expect(result.data?.proposal.analysis.flows.opened.map((f) => f.text)).toEqual([MYAPP_EGRESS]);
  });

  it('documents the new routes and their schemas in OpenAPI', async () => {
    const openapi = (await t.http.get('/api/docs/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/v1/proposals/{id}/analysis', '/api/v1/proposals/{id}/analysis/retry', '/api/v1/clusters/{name}/inventory', '/api/v1/connections/history', '/api/v1/connections/open']),
    );
    expect(Object.keys(openapi.paths['/api/v1/proposals/{id}/analysis']?.['get']?.responses['200'] as object)).toContain('content');
    expect(Object.keys(openapi.components.schemas['ProposalAnalysisDetailModel']?.properties ?? {})).toEqual(expect.arrayContaining(['hash', 'inventory', 'summary', 'findings', 'flows']));
    expect(Object.keys(openapi.components.schemas['ProposalModel']?.properties ?? {})).toEqual(expect.arrayContaining(['analysis', 'requiredApprovals']));
  });
});
