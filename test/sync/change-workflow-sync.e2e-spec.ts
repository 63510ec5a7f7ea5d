import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';
import { SEED_POLICIES_YAML, startTestWorker, type TestWorker, waitFor } from '../support/sync-harness';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

const NP = '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies';
const SEED_NAMES = ['default-deny-all', 'deny-egress-allow-dns', 'egress-access-myapp', 'ingress-access', 'ingress-to-backends'];

/** The change workflow's seed scenario, continued into a real cluster: merge, then live, IN_SYNC, and drift. */
describeWithKube('change workflow, continued: the merged seed article goes live (real kube-apiserver)', () => {
  let kube: KubeApiServer;
  let t: TestApp;
  let worker: TestWorker;
  let bot: MintedToken;
  let alice: MintedToken;
  let auditor: MintedToken;

  const sync = async (): Promise<Record<string, unknown>> => (await t.as(auditor.token).get('/api/v1/clusters/prod/sync').expect(200)).body;
  const liveNames = async (): Promise<string[]> =>
    (await kube.kube<{ items: { metadata: { name: string } }[] }>('GET', NP)).body.items.map((p) => p.metadata.name).sort();

  beforeAll(async () => {
    [kube, t] = await Promise.all([startKubeApiServer(), createTestApp()]);
    bot = await t.mintToken({ name: 'gitops-bot', kind: 'bot', roles: ['proposer'], clusters: ['prod'] });
    alice = await t.mintToken({ name: 'alice', roles: ['approver'], groups: ['security'] });
    auditor = await t.mintToken({ name: 'audrey', roles: ['auditor'] });
    await t.http.post('/api/v1/clusters').send({ name: 'prod', labels: { env: 'prod' } }).expect(201);
    await t.http.put('/api/v1/clusters/prod/connection').send({ server: kube.url, caData: kube.caData, token: kube.adminToken }).expect(200);
    const legacy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'legacy-allow-web', namespace: 'default' }, spec: { podSelector: {}, ingress: [{}] } };
    await t.http.post('/api/v1/clusters/prod/versions/import').send({ policies: [legacy] }).expect(201);
    worker = await startTestWorker(t.db.appUrl, 'w1');
    await waitFor('version 1 live', async () => (await sync())['status'] === 'IN_SYNC');
    // The worker's first inventory snapshot: a proposal analysed before it would be re-analysed at merge
    // on it and, seeing another delta than the approved one, refused with ANALYSIS_CHANGED.
    // (kube-node-lease is the last namespace the API server creates for itself.)
    await waitFor('the settled inventory snapshot', async () => {
      const inventory = await t.as(auditor.token).get('/api/v1/clusters/prod/inventory');
      return inventory.status === 200 && (inventory.body.namespaces as { name: string }[]).some((ns) => ns.name === 'kube-node-lease');
    });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await kube?.stop();
  });

  it('applies the merged version within seconds, shows IN_SYNC, and reports a hand deletion as drift', async () => {
    expect(await liveNames()).toEqual(['legacy-allow-web']);
    const created = await t
      .as(bot.token)
      .post('/api/v1/clusters/prod/proposals?mode=replace&baseVersion=1&title=Lock%20down%20default&sourceKind=github-pr')
      .set('Content-Type', 'application/yaml')
      .set('Prefer', 'wait=30')
      .send(SEED_POLICIES_YAML)
      .expect(201);
    expect(created.body.analysis).toMatchObject({ status: 'READY', inventory: { source: 'WATCH' } });
    await t.as(alice.token).post(`/api/v1/proposals/${created.body.id}/reviews`).send({ verdict: 'APPROVE' }).expect(201);
    const merged = await t.as(bot.token).post(`/api/v1/proposals/${created.body.id}/merge`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const mergedAt = Date.now();

    const inSync = await waitFor('version 2 in sync', async () => {
      const s = await sync();
      return s['status'] === 'IN_SYNC' && s['appliedVersion'] === 2 ? s : undefined;
    }, 10_000);
    expect(Date.now() - mergedAt).toBeLessThan(5000);
    expect(inSync).toMatchObject({ desiredVersion: 2, drift: [], lastError: null });
    expect(await liveNames()).toEqual(SEED_NAMES);

    await kube.kube('DELETE', `${NP}/egress-access-myapp`);
    const drifted = await waitFor('the deletion reported', async () => {
      const s = await sync();
      return s['status'] === 'DRIFTED' ? s : undefined;
    }, 5000);
    expect(drifted['drift']).toEqual([{ namespace: 'default', name: 'egress-access-myapp', kind: 'DELETED', reason: 'deleted; version 2 has it' }]);

    const trail = await t.as(auditor.token).get('/api/v1/audit?cluster=prod').expect(200);
    const steps = (trail.body.items as { action: string; actor: { name: string; kind: string } }[]).map((e) => `${e.action} by ${e.actor.name} (${e.actor.kind})`);
    expect(steps.slice(0, 3)).toEqual(['sync.drift_detected by sync-worker/w1 (system)', 'sync.applied by sync-worker/w1 (system)', 'proposal.merged by gitops-bot (bot)']);
  });
});
