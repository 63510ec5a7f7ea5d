import { randomUUID } from 'node:crypto';

import { PrismaService } from '@palisade/persistence';
import { AnalysisFailedError, AnalysisInterruptedError, AnalysisRunner, ProposalAnalysisService } from '@palisade/proposals';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { networkPolicy, waitFor } from '../support/polling';
import { createTestApp, type TestApp } from '../support/test-app';

const policy = (name: string, port: number) => networkPolicy('default', name, { podSelector: { matchLabels: { app: name } }, ingress: [{ ports: [{ port }] }] });

// No timer: the only analyses are the ones a test asks for (and, at start, the work left PENDING).
const ENV = { ANALYSIS_RECONCILE_MS: '0' };

/**
 * Holds the table an analysis thread reads a policy set from (policy_set_entries) until `release()`:
 * a thread that does not have the set in its cache then waits in PostgreSQL, a running analysis
 * for as long as the test likes. The API's own reads of that table must happen before.
 */
async function holdPolicySets(url: string): Promise<{ threadWaiting: () => Promise<boolean>; release: () => Promise<void> }> {
  const held = await connectTo(url);
  await held.query('BEGIN');
  await held.query(`SET LOCAL lock_timeout = '10s'`);
  await held.query('LOCK TABLE policy_set_entries IN ACCESS EXCLUSIVE MODE');
  // Another connection: inside a transaction, pg_stat_activity does not change.
  const watcher = await connectTo(url);
  let released = false;
  return {
    // The thread's query (AnalysisDataLoader.policySet) waiting for the lock.
    threadWaiting: async () =>
      (
        await watcher.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND l.relation = 'policy_set_entries'::regclass AND a.query LIKE '%json_agg(c.manifest%'`,
        )
      ).rows[0]!.n > 0,
    release: async () => {
      if (released) return;
      released = true;
      await held.query('ROLLBACK');
      await Promise.all([held.end(), watcher.end()]);
    },
  };
}

describe('an analysis running when the service shuts down', () => {
  it('stays PENDING (no FAILED analysis, no failure in the audit trail), a request waiting on it is answered PENDING, and the next start analyses it', async () => {
    const first = await createTestApp(ENV);
    const sql: Client = await connectTo(first.db.url);
    let second: TestApp | undefined;
    let firstClosed = false;
    let hold: Awaited<ReturnType<typeof holdPolicySets>> | undefined;
    try {
      await first.http.post('/api/v1/clusters').send({ name: 'rollout' }).expect(201);
      await first.http.post('/api/v1/clusters/rollout/versions/import').send({ policies: [policy('web', 80)] }).expect(201);
      // The same set again changes nothing (422), and leaves version 1 in the API's cache of bases:
      // creating the next proposal reads no policy set, only its analysis thread does.
      const noop = await first.http.post('/api/v1/clusters/rollout/proposals').send({ title: 'noop', baseVersion: 1, policies: [policy('web', 80)] });
      expect(noop.body.code, JSON.stringify(noop.body)).toBe('PROPOSAL_HAS_NO_EFFECT');

      hold = await holdPolicySets(first.db.url);
      const waiting = first.http.post('/api/v1/clusters/rollout/proposals').set('Prefer', 'wait=30').send({ title: 'web on 8080', baseVersion: 1, policies: [policy('web', 8080)] });
      const answer = waiting.then(
        (response) => response,
        (error: Error) => error,
      );
      await waitFor('the analysis thread to wait for the policy set', hold.threadWaiting, 30_000, 50);
      const id = (await sql.query<{ id: string }>("SELECT id FROM proposals WHERE title = 'web on 8080'")).rows[0]!.id;
      const analysis = first.app.get(ProposalAnalysisService);
      expect(analysis.isRunning(id)).toBe(true);

      // Whether the analysis had settled (nothing more to write) when the database connections closed.
      // A write still in hand is let through first, as a slower close would: the rows then show what
      // the service meant to store, not who won the race.
      const prisma = first.app.get(PrismaService);
      const disconnect = prisma.$disconnect.bind(prisma);
      const runningAtDisconnect: boolean[] = [];
      vi.spyOn(prisma, '$disconnect').mockImplementation(async () => {
        runningAtDisconnect.push(analysis.isRunning(id));
        for (const deadline = Date.now() + 5_000; analysis.isRunning(id) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
        return disconnect();
      });

      const started = Date.now();
      await first.app.close();
      firstClosed = true;
      const closedIn = Date.now() - started;
      const response = await answer;
      if (response instanceof Error) throw new Error(`the request waiting on the analysis got no answer: ${response.message}`);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body.analysis).toMatchObject({ status: 'PENDING', error: null });
      // Answered when shutdown began, not held until the HTTP server's drain gives up on it (10 s).
      expect(closedIn).toBeLessThan(8_000);
      expect(runningAtDisconnect).toEqual([false]);
      await hold.release();

      const stored = (await sql.query('SELECT status, error, attempts FROM proposal_analyses WHERE proposal_id = $1', [id])).rows;
      expect(stored).toEqual([{ status: 'PENDING', error: null, attempts: 0 }]);
      const audited = (await sql.query<{ action: string }>('SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY seq', [id])).rows.map((r) => r.action);
      expect(audited).not.toContain('proposal.analysis_failed');
      expect(audited).not.toContain('proposal.analyzed');

      // The service started again (or another replica) on the same database finishes it.
      second = await createTestApp(ENV, { database: first.db });
      const ready = await waitFor(
        'the analysis on the second start',
        async () => {
          const analysis = (await second!.http.get(`/api/v1/proposals/${id}`).expect(200)).body.analysis as { status: string; summary: unknown };
          return analysis.status !== 'PENDING' && analysis;
        },
        30_000,
        50,
      );
      expect(ready.status).toBe('READY');
      expect((await sql.query("SELECT count(*)::int AS n FROM audit_events WHERE subject_id = $1 AND action = 'proposal.analyzed'", [id])).rows[0].n).toBe(1);
    } finally {
      await hold?.release();
      await sql.end();
      if (!firstClosed) await first.app.close();
      if (second) await second.close();
      else await first.db.drop();
    }
  });

  it('is interrupted, not failed, in the runner: AnalysisInterruptedError for the task the threads stop under and for one asked for later', async () => {
    const t = await createTestApp(ENV);
    const hold = await holdPolicySets(t.db.url);
    try {
      const runner = t.app.get(AnalysisRunner);
      const ask = () =>
        runner.change({ base: { clusterId: randomUUID(), number: 1, contentHash: 'in-no-cache' }, changes: { upsert: [], delete: [] }, snapshot: null, options: { ipBlockMatchesPodIps: true } });
      const running = ask();
      running.catch(() => undefined);
      await waitFor('the analysis thread to wait for the policy set', hold.threadWaiting, 30_000, 50);
      await t.app.close();
      const error = await running.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AnalysisInterruptedError);
      expect(error).not.toBeInstanceOf(AnalysisFailedError);
      await expect(ask()).rejects.toThrow(AnalysisInterruptedError);
    } finally {
      await hold.release();
      await t.db.drop();
    }
  });
});
