import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Client } from 'pg';

import { WebhookRepository } from '../../libs/persistence/src';
import { connectTo } from '../../libs/testing/src';
import { startTestWorker, type TestWorker, waitFor } from '../support/sync-harness';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';
import { type ReceivedWebhook, signatureIsValid, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const articleYaml = readFileSync(join(__dirname, '..', 'fixtures', 'seed', 'article-policies.yaml'), 'utf8');
const SECRET = 'whsec-0123456789abcdef';
const PROPOSAL_EVENTS = [
  'proposal.created',
  'proposal.updated',
  'proposal.analysis_ready',
  'proposal.approved',
  'proposal.changes_requested',
  'proposal.merged',
  'proposal.conflicted',
  'proposal.rejected',
];
/** The dispatcher of the tests: fast polls, retries from 50 ms. */
const DISPATCH_ENV = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '200', WEBHOOK_TIMEOUT_MS: '2000' };

function policy(name: string, port = 80): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'default' },
    spec: { podSelector: { matchLabels: { app: name } }, ingress: [{ ports: [{ port }] }] },
  };
}

const events = (received: ReceivedWebhook[]): string[] => received.map((r) => String(r.headers['x-palisade-event']));

describe('webhooks: signed, ordered, at-least-once deliveries to a real receiver', () => {
  let t: TestApp;
  let sql: Client;
  let bot: MintedToken;
  let alice: MintedToken;
  const workers: TestWorker[] = [];
  const receivers: WebhookReceiver[] = [];

  async function receiver(answer?: (index: number, event: string) => number): Promise<WebhookReceiver> {
    const started = await startWebhookReceiver(answer);
    receivers.push(started);
    return started;
  }

  async function worker(env: Record<string, string> = {}): Promise<TestWorker> {
    const started = await startTestWorker(t.db.appUrl, `webhooks-${workers.length}`, { ...DISPATCH_ENV, ...env });
    workers.push(started);
    return started;
  }

  async function webhook(body: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
    const response = await t.http.post('/api/v1/webhooks').send({ secret: SECRET, ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string };
  }

  async function cluster(name: string, policies: unknown[]): Promise<void> {
    await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    await t.http.post(`/api/v1/clusters/${name}/versions/import`).send({ policies }).expect(201);
  }

  async function propose(clusterName: string, port: number): Promise<string> {
    const response = await t.as(bot.token).post(`/api/v1/clusters/${clusterName}/proposals`).set('Prefer', 'wait=30').send({ title: `port ${port}`, baseVersion: 1, changes: { upsert: [policy('web', port)] } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return (response.body as { id: string }).id;
  }

  const deliveryRows = async (webhookId: string): Promise<{ status: string; attempts: number }[]> =>
    (await sql.query('SELECT status::text AS status, attempts FROM webhook_deliveries WHERE webhook_id = $1', [webhookId])).rows as { status: string; attempts: number }[];

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' });
    sql = await connectTo(t.db.url);
    bot = await t.mintToken({ name: 'gitops-bot', kind: 'bot', roles: ['proposer'] });
    alice = await t.mintToken({ name: 'alice', roles: ['approver'] });
  });
  afterAll(async () => {
    for (const w of workers) await w.close().catch(() => undefined);
    for (const r of receivers) await r.close();
    await sql.end();
    await t.close();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close();
  });

  it('delivers every event of the seed flow, signed and in order, after the dispatcher starts (nothing is lost while it is down)', async () => {
    const hooks = await receiver();
    const created = await webhook({ url: hooks.url, events: PROPOSAL_EVENTS, clusters: ['prod'], format: 'json' });
    expect(created).toMatchObject({ url: hooks.url, events: PROPOSAL_EVENTS, clusters: ['prod'], format: 'json', enabled: true, createdBy: 'bootstrap-admin' });
    expect(created).not.toHaveProperty('secret');

    await cluster('prod', [policy('legacy-allow-web')]);
    const submitted = await t
      .as(bot.token)
      .post('/api/v1/clusters/prod/proposals?mode=replace&baseVersion=1&title=Lock%20down%20default&sourceKind=github-pr&sourceUrl=https://git.example.com/net/pull/42&sourceCommit=abc123')
      .set('Content-Type', 'application/yaml')
      .set('Prefer', 'wait=30')
      .send(articleYaml)
      .expect(201);
    const id = (submitted.body as { id: string }).id;
    await t.as(alice.token).post(`/api/v1/proposals/${id}/reviews`).send({ verdict: 'APPROVE' }).expect(201);
    await t.as(bot.token).post(`/api/v1/proposals/${id}/merge`).expect(200);

    // Committed with the changes, waiting for a dispatcher: none runs yet.
    expect(await deliveryRows(created.id)).toEqual(Array(4).fill({ status: 'PENDING', attempts: 0 }));
    expect(hooks.received).toHaveLength(0);

    await worker();
    await waitFor('four deliveries', async () => hooks.received.length >= 4);
    expect(events(hooks.received)).toEqual(['proposal.created', 'proposal.analysis_ready', 'proposal.approved', 'proposal.merged']);
    for (const request of hooks.received) {
      expect(signatureIsValid(SECRET, request)).toBe(true);
      expect(signatureIsValid('another-secret-0000', request)).toBe(false);
      expect(request.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(request.headers['x-palisade-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(request.json).toMatchObject({ event: request.headers['x-palisade-event'], cluster: 'prod', subject: { type: 'proposal', id }, occurredAt: expect.any(String) });
    }
    expect(new Set(hooks.received.map((r) => r.headers['x-palisade-delivery'])).size).toBe(4);
    expect(hooks.received[0]?.json).toMatchObject({
      actor: { name: 'gitops-bot', kind: 'bot' },
      proposal: { id, title: 'Lock down default', status: 'OPEN', author: { name: 'gitops-bot', kind: 'bot' }, sourceUrl: 'https://git.example.com/net/pull/42', sourceCommit: 'abc123' },
    });
    expect(hooks.received[1]?.json).toMatchObject({ proposal: { analysis: { status: 'READY', summary: expect.any(Object) } } });
    expect(hooks.received[2]?.json).toMatchObject({ actor: { name: 'alice' }, proposal: { status: 'APPROVED' } });
    expect(hooks.received[3]?.json).toMatchObject({ proposal: { status: 'MERGED', mergedVersion: 2 } });
    // Summaries, not manifests.
    expect(hooks.received.some((r) => r.body.includes('NetworkPolicy'))).toBe(false);

    await waitFor('deliveries recorded', async () => (await deliveryRows(created.id)).every((row) => row.status === 'DELIVERED'));
    const listed = await t.http.get(`/api/v1/webhooks/${created.id}/deliveries`).expect(200);
    const items = listed.body.items as { id: string; event: string; status: string; attempts: { statusCode: number; durationMs: number; responseExcerpt: string }[] }[];
    expect(items.map((d) => d.event)).toEqual(['proposal.merged', 'proposal.approved', 'proposal.analysis_ready', 'proposal.created']);
    expect(items[0]).toMatchObject({ status: 'DELIVERED', attempts: [{ statusCode: 200, durationMs: expect.any(Number), responseExcerpt: 'ok' }] });
    expect(items.map((d) => d.id).sort()).toEqual(hooks.received.map((r) => String(r.headers['x-palisade-delivery'])).sort());

    // A redelivery carries the same delivery id, so the receiver can drop the duplicate.
    const merged = items[0] as { id: string };
    const redelivered = await t.http.post(`/api/v1/webhooks/${created.id}/deliveries/${merged.id}/redeliver`).expect(201);
    expect(redelivered.body).toMatchObject({ id: merged.id, status: 'PENDING' });
    await waitFor('the redelivery', async () => hooks.received.length >= 5);
    expect(hooks.received[4]?.headers['x-palisade-delivery']).toBe(merged.id);
    expect(hooks.received[4]?.body).toBe(hooks.received[3]?.body);
    expect(signatureIsValid(SECRET, hooks.received[4] as ReceivedWebhook)).toBe(true);
    await waitFor('the second attempt listed', async () => {
      const again = await t.http.get(`/api/v1/webhooks/${created.id}/deliveries`).expect(200);
      return (again.body.items[0] as { attempts: unknown[] }).attempts.length === 2;
    });

    const gql = await t.gql<{ webhookDeliveries: { id: string; status: string; attempts: { statusCode: number }[] }[] }>(
      'query($id: ID!) { webhookDeliveries(webhookId: $id) { id status attempts { statusCode durationMs responseExcerpt } } }',
      { id: created.id },
    );
    expect(gql.errors).toBeUndefined();
    expect(gql.data?.webhookDeliveries[0]).toMatchObject({ id: merged.id, status: 'DELIVERED', attempts: [{ statusCode: 200 }, { statusCode: 200 }] });
  });

  it('retries a receiver answering 500 three times: the event arrives on the fourth attempt with the same delivery id, and later events wait for it', async () => {
    const hooks = await receiver((index) => (index < 3 ? 500 : 200));
    const created = await webhook({ url: hooks.url, events: ['proposal.created', 'proposal.rejected'], clusters: ['retry'] });
    await cluster('retry', [policy('web')]);
    await worker();
    const id = await propose('retry', 8080);
    await t.http.post(`/api/v1/proposals/${id}/reject`).send({ comment: 'no' }).expect(200);

    await waitFor('five requests', async () => hooks.received.length >= 5);
    expect(events(hooks.received)).toEqual(['proposal.created', 'proposal.created', 'proposal.created', 'proposal.created', 'proposal.rejected']);
    const ids = hooks.received.map((r) => String(r.headers['x-palisade-delivery']));
    expect(new Set(ids.slice(0, 4)).size).toBe(1);
    expect(ids[4]).not.toBe(ids[0]);
    expect(hooks.received.every((r) => signatureIsValid(SECRET, r))).toBe(true);

    await waitFor('both delivered', async () => (await deliveryRows(created.id)).every((row) => row.status === 'DELIVERED'));
    const listed = await t.http.get(`/api/v1/webhooks/${created.id}/deliveries`).expect(200);
    const first = (listed.body.items as { event: string; attempts: { statusCode: number; error: string | null; responseExcerpt: string }[] }[]).find((d) => d.event === 'proposal.created');
    expect(first?.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 200]);
    expect(first?.attempts[0]).toMatchObject({ error: 'HTTP 500', responseExcerpt: 'receiver says 500' });
  });

  it('gives up on a receiver that does not answer within WEBHOOK_TIMEOUT_MS, and retries', async () => {
    const hooks = await receiver((index) => (index === 0 ? 0 : 200));
    const created = await webhook({ url: hooks.url, events: ['proposal.created'], clusters: ['slow'] });
    await cluster('slow', [policy('web')]);
    await worker({ WEBHOOK_TIMEOUT_MS: '300' });
    await propose('slow', 2020);
    await waitFor('delivered', async () => (await deliveryRows(created.id)).every((row) => row.status === 'DELIVERED'));
    const listed = await t.http.get(`/api/v1/webhooks/${created.id}/deliveries`).expect(200);
    const [first, second] = (listed.body.items[0] as { attempts: { statusCode: number | null; error: string | null; durationMs: number }[] }).attempts;
    expect(first).toMatchObject({ statusCode: null, error: 'no answer within 300 ms' });
    expect(first?.durationMs).toBeGreaterThanOrEqual(290);
    expect(first?.durationMs).toBeLessThan(2000);
    expect(second).toMatchObject({ statusCode: 200, error: null });
    expect(hooks.received.map((r) => r.headers['x-palisade-delivery'])).toEqual([hooks.received[0]?.headers['x-palisade-delivery'], hooks.received[0]?.headers['x-palisade-delivery']]);
  });

  it('gives a delivery up as FAILED after the retry window; later events of the proposal then go out', async () => {
    const hooks = await receiver((_, event) => (event === 'proposal.created' ? 500 : 200));
    const created = await webhook({ url: hooks.url, events: ['proposal.created', 'proposal.rejected'], clusters: ['giveup'] });
    await cluster('giveup', [policy('web')]);
    await worker({ WEBHOOK_RETRY_WINDOW_MS: '1000' });
    const id = await propose('giveup', 6060);
    await t.http.post(`/api/v1/proposals/${id}/reject`).send({}).expect(200);

    await waitFor('the rejection', async () => hooks.received.some((r) => r.headers['x-palisade-event'] === 'proposal.rejected'));
    const received = events(hooks.received);
    expect(received.at(-1)).toBe('proposal.rejected');
    expect(received.filter((e) => e === 'proposal.created').length).toBeGreaterThanOrEqual(2);
    const listed = await t.http.get(`/api/v1/webhooks/${created.id}/deliveries`).expect(200);
    expect((listed.body.items as { event: string; status: string }[]).map((d) => [d.event, d.status])).toEqual([
      ['proposal.rejected', 'DELIVERED'],
      ['proposal.created', 'FAILED'],
    ]);
  });

  it('refuses a loopback URL at delivery time in a worker without WEBHOOK_ALLOW_PRIVATE_ADDRESSES', async () => {
    const hooks = await receiver();
    const created = await webhook({ url: hooks.url, events: ['proposal.created'], clusters: ['guarded'] });
    await cluster('guarded', [policy('web')]);
    await worker({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false' });
    await propose('guarded', 5050);
    const attempt = await waitFor('a refused attempt', async () => {
      const listed = await t.http.get(`/api/v1/webhooks/${created.id}/deliveries`).expect(200);
      return (listed.body.items as { attempts: { statusCode: number | null; error: string }[] }[])[0]?.attempts[0];
    });
    expect(attempt).toMatchObject({ statusCode: null, error: expect.stringContaining('loopback, private, link-local or metadata') });
    expect(hooks.received).toHaveLength(0);
    // Its retries would go on for a day: drop them, so the other tests' dispatchers (allowed loopback) do not send it.
    await t.http.delete(`/api/v1/webhooks/${created.id}`).expect(200);
  });

  it('delivers what was committed while a dispatcher was stopped, or claimed by one that died, once another runs', async () => {
    const hooks = await receiver();
    const created = await webhook({ url: hooks.url, events: ['proposal.created', 'proposal.changes_requested'], clusters: ['restart'] });
    await cluster('restart', [policy('web')]);
    const first = await worker();
    await first.close();
    const id = await propose('restart', 9090);
    await t.as(alice.token).post(`/api/v1/proposals/${id}/reviews`).send({ verdict: 'REQUEST_CHANGES', comment: 'why?' }).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooks.received).toHaveLength(0);
    expect(await deliveryRows(created.id)).toHaveLength(2);
    // A dispatcher that claims and dies before sending: its claim lapses and another sends the event.
    const claimed = await t.app.get(WebhookRepository).claimDue(10, 1000);
    expect(claimed.filter((d) => d.webhookId === created.id).map((d) => d.event)).toEqual(['proposal.created']); // the second waits for the first

    await worker();
    await waitFor('both events', async () => hooks.received.length >= 2);
    expect(events(hooks.received)).toEqual(['proposal.created', 'proposal.changes_requested']);
    expect(hooks.received[1]?.json).toMatchObject({ proposal: { id, status: 'CHANGES_REQUESTED' } });
  });

  it('reports a new revision and a conflicted merge', async () => {
    const hooks = await receiver();
    await webhook({ url: hooks.url, events: ['proposal.updated', 'proposal.conflicted'], clusters: ['conflict'] });
    await cluster('conflict', [policy('web')]);
    await worker();
    const first = await propose('conflict', 81);
    const second = await propose('conflict', 82);
    await t.as(bot.token).patch(`/api/v1/proposals/${second}`).set('Prefer', 'wait=30').send({ changes: { upsert: [policy('web', 83)] } }).expect(200);
    for (const id of [first, second]) await t.as(alice.token).post(`/api/v1/proposals/${id}/reviews`).send({ verdict: 'APPROVE' }).expect(201);
    await t.as(bot.token).post(`/api/v1/proposals/${first}/merge`).expect(200);
    await t.as(bot.token).post(`/api/v1/proposals/${second}/merge`).expect(409);

    await waitFor('both events', async () => hooks.received.length >= 2);
    expect(hooks.received.map((r) => [r.headers['x-palisade-event'], (r.json['proposal'] as { id: string; revision: number; status: string }).revision, (r.json['proposal'] as { status: string }).status])).toEqual([
      ['proposal.updated', 2, 'OPEN'],
      ['proposal.conflicted', 2, 'CONFLICTED'],
    ]);
    expect(hooks.received.every((r) => (r.json['subject'] as { id: string }).id === second)).toBe(true);
  });

  it('holds the pending deliveries of a disabled webhook until it is enabled again, and queues none for it meanwhile', async () => {
    const hooks = await receiver();
    const created = await webhook({ url: hooks.url, events: ['proposal.created'], clusters: ['paused'] });
    await cluster('paused', [policy('web')]);
    await propose('paused', 3030);
    await t.http.patch(`/api/v1/webhooks/${created.id}`).send({ enabled: false }).expect(200);
    await propose('paused', 3031);
    await worker();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooks.received).toHaveLength(0);
    expect(await deliveryRows(created.id)).toEqual([{ status: 'PENDING', attempts: 0 }]);

    await t.http.patch(`/api/v1/webhooks/${created.id}`).send({ enabled: true }).expect(200);
    await waitFor('the held delivery', async () => hooks.received.length >= 1);
    expect(hooks.received[0]?.json).toMatchObject({ proposal: { title: 'port 3030' } });
  });

  it('sends a Slack-compatible message for format slack: title, cluster, findings, link', async () => {
    const hooks = await receiver();
    await webhook({ url: hooks.url, events: ['proposal.analysis_ready'], clusters: ['slack'], format: 'slack' });
    await cluster('slack', [policy('web')]);
    await worker();
    const egress = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-egress', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] } };
    const response = await t.as(bot.token).post('/api/v1/clusters/slack/proposals').set('Prefer', 'wait=30').send({ title: 'port 7070', baseVersion: 1, changes: { upsert: [policy('web', 7070), egress] } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const id = (response.body as { id: string }).id;
    await waitFor('the message', async () => hooks.received.length >= 1);
    const [message] = hooks.received as [ReceivedWebhook];
    expect(signatureIsValid(SECRET, message)).toBe(true);
    expect(message.headers['x-palisade-event']).toBe('proposal.analysis_ready');
    expect(message.json['text']).toBe('[proposal.analysis_ready] slack: port 7070');
    const blocks = message.json['blocks'] as { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: string }[] }[];
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[proposal.analysis_ready] slack: port 7070' } });
    expect(blocks.find((b) => b.type === 'section' && b.fields)?.fields?.map((f) => f.text)).toContain('*Cluster:* slack');
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `proposal ${id}` }] });
    const findings = blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('*Findings*'));
    // The most severe first.
    expect(findings?.text?.text).toBe(
      '*Findings*\n' +
        '• *high* EGRESS_TO_ANY_ADDRESS: default/web-egress lets every pod in default connect to 0.0.0.0/0 on all ports (egress rule 0)\n' +
        '• *medium* INGRESS_FROM_ANYWHERE: default/web admits connections to pods app=web in default from any pod and any address outside the cluster on TCP 7070 (ingress rule 0 has no `from`)',
    );
  });

  it('offers the same operations through GraphQL', async () => {
    const hooks = await receiver();
    const created = await t.gql<{ createWebhook: { id: string; format: string; clusters: string[] } }>(
      'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id url events clusters format enabled createdBy } }',
      { input: { url: hooks.url, events: ['proposal.created'], clusters: ['graphql'], secret: SECRET, format: 'slack' } },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data?.createWebhook.id as string;
    expect(created.data?.createWebhook).toMatchObject({ format: 'slack', clusters: ['graphql'] });
    const invalid = await t.gql('mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }', { input: { url: hooks.url, events: ['nope'], secret: SECRET } });
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'events' }] });

    const updated = await t.gql<{ updateWebhook: { format: string } }>('mutation($id: ID!) { updateWebhook(id: $id, input: { format: "json" }) { format } }', { id });
    expect(updated.data?.updateWebhook.format).toBe('json');
    const listed = await t.gql<{ webhooks: { id: string }[] }>('{ webhooks { id } }');
    expect(listed.data?.webhooks.map((w) => w.id)).toContain(id);

    await cluster('graphql', [policy('web')]);
    await worker();
    await propose('graphql', 4040);
    await waitFor('the delivery', async () => hooks.received.length >= 1);
    const deliveries = await t.gql<{ webhookDeliveries: { id: string }[] }>('query($id: ID!) { webhookDeliveries(webhookId: $id) { id status } }', { id });
    const deliveryId = deliveries.data?.webhookDeliveries[0]?.id as string;
    await waitFor('delivered', async () => (await deliveryRows(id)).every((row) => row.status === 'DELIVERED'));
    const redelivered = await t.gql<{ redeliverWebhookDelivery: { id: string; status: string } }>(
      'mutation($w: ID!, $d: ID!) { redeliverWebhookDelivery(webhookId: $w, deliveryId: $d) { id status } }',
      { w: id, d: deliveryId },
    );
    expect(redelivered.data?.redeliverWebhookDelivery).toEqual({ id: deliveryId, status: 'PENDING' });
    await waitFor('the redelivery', async () => hooks.received.length >= 2);
    expect(hooks.received.map((r) => r.headers['x-palisade-delivery'])).toEqual([deliveryId, deliveryId]);
    const missing = await t.gql('mutation($w: ID!, $d: ID!) { redeliverWebhookDelivery(webhookId: $w, deliveryId: $d) { id } }', { w: id, d: 'nope' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');

    const deleted = await t.gql<{ deleteWebhook: { id: string } }>('mutation($id: ID!) { deleteWebhook(id: $id) { id } }', { id });
    expect(deleted.data?.deleteWebhook.id).toBe(id);
    expect((await t.gql('query($id: ID!) { webhook(id: $id) { id } }', { id })).errors?.[0]?.extensions?.code).toBe('WEBHOOK_NOT_FOUND');
  });

  it('is for unscoped admins only, never returns the secret, audits changes without it, and names the invalid field', async () => {
    const scopedAdmin = await t.mintToken({ name: 'scoped-admin', roles: ['admin'], clusters: ['prod'] });
    const hooks = await receiver();
    const created = await webhook({ url: hooks.url, events: ['proposal.merged'] });
    for (const token of [scopedAdmin.token, alice.token, bot.token]) {
      expect((await t.as(token).get('/api/v1/webhooks').expect(403)).body.code).toBe('FORBIDDEN');
      await t.as(token).post('/api/v1/webhooks').send({ url: hooks.url, events: ['proposal.merged'], secret: SECRET }).expect(403);
      await t.as(token).patch(`/api/v1/webhooks/${created.id}`).send({ enabled: false }).expect(403);
      await t.as(token).delete(`/api/v1/webhooks/${created.id}`).expect(403);
      await t.as(token).get(`/api/v1/webhooks/${created.id}/deliveries`).expect(403);
      expect((await t.gql('{ webhooks { id } }', {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }

    const got = await t.http.get(`/api/v1/webhooks/${created.id}`).expect(200);
    const patched = await t.http.patch(`/api/v1/webhooks/${created.id}`).send({ secret: 'a-new-secret-0123456789', enabled: false, format: 'slack' }).expect(200);
    expect(patched.body).toMatchObject({ id: created.id, enabled: false, format: 'slack', events: ['proposal.merged'] });
    const list = await t.http.get('/api/v1/webhooks').expect(200);
    const gql = await t.gql<{ webhook: Record<string, unknown> }>('query($id: ID!) { webhook(id: $id) { id url events clusters format enabled createdBy } }', { id: created.id });
    expect(gql.data?.webhook).toMatchObject({ id: created.id, enabled: false, clusters: [] });
    const trail = await t.http.get('/api/v1/audit?action=webhook.updated').expect(200);
    expect(trail.body.items[0]).toMatchObject({ subject: { type: 'webhook', id: created.id }, after: { enabled: false, secretChanged: true } });
    const audit = await t.http.get('/api/v1/audit').expect(200);
    const stored = await sql.query('SELECT secret FROM webhooks WHERE id = $1', [created.id]);
    for (const text of [got.text, patched.text, list.text, JSON.stringify(gql), audit.text, (stored.rows[0].secret as Buffer).toString('latin1')]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('a-new-secret-0123456789');
    }
    expect(got.body).not.toHaveProperty('secret');

    const invalid = async (body: Record<string, unknown>): Promise<string[]> => {
      const response = await t.http.post('/api/v1/webhooks').send({ url: hooks.url, events: ['proposal.merged'], secret: SECRET, ...body }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      return (response.body.errors as { path: string }[]).map((d) => d.path);
    };
    expect(await invalid({ events: ['proposal.merged', 'proposal.exploded'] })).toEqual(['events']);
    expect(await invalid({ url: 'ftp://hooks.example.com/x' })).toEqual(['url']);
    expect(await invalid({ url: 'not a url' })).toEqual(['url']);
    expect(await invalid({ secret: 'short' })).toEqual(['secret']);
    expect(await invalid({ format: 'xml' })).toEqual(['format']);

    const deleted = await t.http.delete(`/api/v1/webhooks/${created.id}`).expect(200);
    expect(deleted.body).toMatchObject({ id: created.id });
    expect((await t.http.get(`/api/v1/webhooks/${created.id}`).expect(404)).body.code).toBe('WEBHOOK_NOT_FOUND');
    for (const missing of [created.id, 'not-a-webhook']) {
      expect((await t.http.patch(`/api/v1/webhooks/${missing}`).send({ enabled: true }).expect(404)).body.code).toBe('WEBHOOK_NOT_FOUND');
      await t.http.delete(`/api/v1/webhooks/${missing}`).expect(404);
      await t.http.get(`/api/v1/webhooks/${missing}/deliveries`).expect(404);
    }
    const actions = ((await t.http.get('/api/v1/audit').expect(200)).body.items as { action: string; subject: { id: string } }[]).filter((e) => e.subject.id === created.id).map((e) => e.action);
    expect(actions).toEqual(['webhook.deleted', 'webhook.updated', 'webhook.created']);
  });
});

describe('webhook address rules without WEBHOOK_ALLOW_PRIVATE_ADDRESSES', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['http://127.0.0.1:8080/hook'], // loopback
    ['http://localhost/hook'], // loopback by name
    ['http://[::1]/hook'], // IPv6 loopback
    ['http://10.1.2.3/hook'], // private
    ['http://192.168.0.10/hook'], // private
    ['http://169.254.169.254/latest/meta-data'], // the cloud metadata address
    ['http://[fe80::1]/hook'], // IPv6 link-local
    ['http://[::ffff:127.0.0.1]/hook'], // IPv4-mapped loopback
  ])('refuses %s with 400 naming url', async (url) => {
    const response = await t.http.post('/api/v1/webhooks').send({ url, events: ['proposal.merged'], secret: SECRET }).expect(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'url', message: expect.stringContaining('WEBHOOK_ALLOW_PRIVATE_ADDRESSES') }] });
  });

  it('refuses a URL with control characters (a NUL byte) with 400 naming url, storing nothing', async () => {
    const response = await t.http.post('/api/v1/webhooks').send({ url: 'https://hooks.example.com/a\u0000b', events: ['proposal.merged'], secret: SECRET }).expect(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'url', message: 'url must not contain NUL characters' }] });
    expect((await t.http.get('/api/v1/webhooks').expect(200)).body.items).toEqual([]);
  });

  it('accepts a public https URL, and refuses a private one on update too', async () => {
    const created = await t.http.post('/api/v1/webhooks').send({ url: 'https://hooks.example.com/palisade', events: ['sync.failed'], secret: SECRET }).expect(201);
    await t.http.patch(`/api/v1/webhooks/${created.body.id}`).send({ url: 'http://127.0.0.1/hook' }).expect(400);
    expect((await t.http.get(`/api/v1/webhooks/${created.body.id}`).expect(200)).body.url).toBe('https://hooks.example.com/palisade');
  });
});
