import { FaultProxy } from '../support/fault-proxy';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';
import { networkPolicy, SEED_POLICIES_YAML, startTestWorker, type TestWorker, waitFor } from '../support/sync-harness';
import { createTestApp, type TestApp } from '../support/test-app';
import { VersionWriter } from '../support/versions';
import { signatureIsValid, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const SECRET = 'whsec-sync-0123456789';

describeWithKube('sync webhooks (real kube-apiserver behind a fault-injecting proxy)', () => {
  let kube: KubeApiServer;
  let t: TestApp;
  let proxy: FaultProxy;
  let worker: TestWorker;
  let hooks: WebhookReceiver;
  let versions: VersionWriter;

  const received = (): { event: string; sync: Record<string, unknown> }[] =>
    hooks.received.map((r) => ({ event: String(r.headers['x-palisade-event']), sync: r.json['sync'] as Record<string, unknown> }));
  const untilEvent = (event: string, count = 1): Promise<true> =>
    waitFor(`${count} × ${event}`, async () => received().filter((r) => r.event === event).length >= count || undefined, 20_000);

  beforeAll(async () => {
    [kube, t] = await Promise.all([startKubeApiServer(), createTestApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' })]);
    proxy = await FaultProxy.start({ target: kube.url, caPem: kube.caPem, certPem: kube.servingCertPem, keyPem: kube.servingKeyPem });
    hooks = await startWebhookReceiver();
    versions = new VersionWriter(t.db.url);
    await t.http.post('/api/v1/webhooks').send({ url: hooks.url, events: ['sync.in_sync', 'sync.drifted', 'sync.unreachable', 'sync.failed'], clusters: ['prod'], secret: SECRET }).expect(201);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
    await t.http.put('/api/v1/clusters/prod/connection').send({ server: proxy.url, caData: kube.caData, token: kube.adminToken }).expect(200);
    worker = await startTestWorker(t.db.appUrl, 'w1', { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50' });
  });
  afterAll(async () => {
    await worker?.close();
    await versions?.close();
    await proxy?.stop();
    await hooks?.close();
    await t?.close();
    await kube?.stop();
  });

  it('tells a receiver the cluster is in sync, drifted, unreachable (once per outage) and in sync again', async () => {
    await t.http.post('/api/v1/clusters/prod/versions/import').set('Content-Type', 'application/yaml').send(SEED_POLICIES_YAML).expect(201);
    await untilEvent('sync.in_sync');
    expect(received()[0]).toEqual({ event: 'sync.in_sync', sync: expect.objectContaining({ appliedVersion: 1 }) });
    expect(hooks.received[0]?.json).toMatchObject({ cluster: 'prod', subject: { type: 'cluster' }, actor: { name: 'sync-worker/w1' } });

    await kube.kube('DELETE', '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/ingress-access');
    await untilEvent('sync.drifted');
    expect(received().find((r) => r.event === 'sync.drifted')?.sync).toMatchObject({ status: 'DRIFTED', drift: 1 });

    await proxy.setDown(true);
    await versions.append('prod', [networkPolicy('default', 'only-one')]);
    await waitFor('two failed attempts', async () => {
      const s = (await t.http.get('/api/v1/clusters/prod/sync').expect(200)).body as { attempts: number };
      return s.attempts >= 2 || undefined;
    }, 20_000);
    await untilEvent('sync.unreachable');
    await proxy.setDown(false);
    await untilEvent('sync.in_sync', 2);
    const events = received().map((r) => r.event);
    expect(events.filter((e) => e === 'sync.unreachable')).toHaveLength(1);
    expect(events.indexOf('sync.unreachable')).toBeLessThan(events.lastIndexOf('sync.in_sync'));
    expect(received().at(-1)?.sync).toMatchObject({ appliedVersion: 2 });
    expect(hooks.received.every((r) => signatureIsValid(SECRET, r))).toBe(true);
  });
});
