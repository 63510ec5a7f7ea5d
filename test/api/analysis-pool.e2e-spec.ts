import { createTestApp, type TestApp } from '../support/test-app';

const policy = (name: string, port: number) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'default' },
  spec: { podSelector: { matchLabels: { app: name } }, ingress: [{ ports: [{ port }] }] },
});

/** One app's life: a cluster, a proposal analysed in the worker-thread pool, then the app closes (and its threads end). */
async function analyseOnce(t: TestApp): Promise<string> {
  await t.http.post('/api/v1/clusters').send({ name: 'pool' }).expect(201);
  await t.http.post('/api/v1/clusters/pool/versions/import').send({ policies: [policy('web', 80)] }).expect(201);
  const created = await t.http.post('/api/v1/clusters/pool/proposals').set('Prefer', 'wait=30').send({ title: 'x', baseVersion: 1, changes: { upsert: [policy('web', 8080)] } }).expect(201);
  return created.body.analysis.status as string;
}

describe('analysis worker threads', () => {
  it('survive their pool being replaced in the same process (threads load plain JavaScript, no native TypeScript hook)', async () => {
    // With a TypeScript hook loading a native addon in each thread, the second pool's first thread crashed the process.
    for (let round = 0; round < 3; round++) {
      const t = await createTestApp();
      try {
        expect(await analyseOnce(t)).toBe('READY');
      } finally {
        await t.close();
      }
    }
  });
});
