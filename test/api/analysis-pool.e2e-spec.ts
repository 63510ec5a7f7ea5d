import type { Server } from 'node:http';

import { PrismaService } from '@palisade/persistence';
import { AnalysisInterruptedError, AnalysisRunner, AnalysisScheduler, ProposalAnalysisService } from '@palisade/proposals';
import type { Piscina } from 'piscina';

import { PolicySetParser } from '../../apps/api/src/policy-version/policy-set.parser';
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

  it('stop at the last step of shutdown, with the database connections: after the scheduler has stopped and the HTTP server has closed; nothing starts them again', async () => {
    const t = await createTestApp({ ANALYSIS_RECONCILE_MS: '100' });
    expect(await analyseOnce(t)).toBe('READY');
    const runner = t.app.get(AnalysisRunner);
    const parser = t.app.get(PolicySetParser);
    const scheduler = t.app.get(AnalysisScheduler);
    const reconcile = vi.spyOn(t.app.get(ProposalAnalysisService), 'reconcile');
    const server = t.app.getHttpServer() as Server;
    const seen: Record<string, { listening: boolean; passesStarted: number }> = {};
    for (const [name, owner] of [['analysis', runner], ['parser', parser]] as const) {
      const pool = (owner as unknown as { pool: Piscina }).pool;
      const destroy = pool.destroy.bind(pool);
      vi.spyOn(pool, 'destroy').mockImplementation(async () => {
        const before = reconcile.mock.calls.length;
        await scheduler.tick(); // a snapshot event or the timer firing now starts no pass
        seen[name] = { listening: server.listening, passesStarted: reconcile.mock.calls.length - before };
        return destroy();
      });
    }
    const prisma = t.app.get(PrismaService);
    const disconnect = prisma.$disconnect.bind(prisma);
    vi.spyOn(prisma, '$disconnect').mockImplementation(async () => {
      seen['database'] = { listening: server.listening, passesStarted: 0 };
      return disconnect();
    });
    await t.close();
    expect(seen).toEqual({ analysis: { listening: false, passesStarted: 0 }, parser: { listening: false, passesStarted: 0 }, database: { listening: false, passesStarted: 0 } });
    const late = runner.change({ base: { clusterId: 'c', versionNumber: 1, contentHash: 'h' } as never, changes: { upsert: [], delete: [] }, snapshot: null, options: {} as never });
    await expect(late).rejects.toThrow(AnalysisInterruptedError); // not a failure: a proposal's stays PENDING
    await expect(late).rejects.toThrow('the analysis threads have stopped: the service is shutting down');
    expect((runner as unknown as { pool: Piscina }).pool.threads).toHaveLength(0);
  });
});

