import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { applyMigrations, AuditEventRepository, type AuditEventFilter, PrismaService, withDatabase } from '@palisade/persistence';
import { Client } from 'pg';

import { type EmbeddedDatabaseServer, startEmbeddedPostgres } from '../embedded-postgres';
import { numberOption } from './bench-options';
import { writeBenchmarkSection } from './benchmarks-file';

// `npm run bench -- audit [--events N] [--runs N] [--no-write]`
// Fills a scratch database (on DATABASE_URL's server, or an embedded PostgreSQL) with N audit events
// through generate_series, then times the audit query's first page and deep pages with filters,
// through the same repository the API uses.

const CLUSTERS = 50;
const ACTORS = 200;
const ACTIONS = ['cluster.registered', 'version.imported', 'proposal.created', 'proposal.updated', 'review.submitted', 'proposal.merged', 'proposal.conflicted', 'proposal.withdrawn', 'token.created', 'token.revoked', 'sync.applied', 'sync.drifted'];
const PAGE = 50;

async function fill(url: string, events: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const chunk = 250_000;
    for (let from = 1; from <= events; from += chunk) {
      const to = Math.min(events, from + chunk - 1);
      // created_at grows with seq (as the recorder guarantees): one year, newest last.
      await client.query(
        `INSERT INTO audit_events (id, seq, created_at, actor_id, actor_name, actor_kind, action, cluster_id, cluster_name,
                                   subject_type, subject_id, before, after, request_id, client_address, prev_hash, hash)
         SELECT gen_random_uuid(), s, timestamptz '2025-11-26' + (s * (interval '365 days' / $3::int)),
                'actor-' || (s * 7919 % ${ACTORS}), 'actor-' || (s * 7919 % ${ACTORS}), CASE WHEN s % 3 = 0 THEN 'bot' ELSE 'human' END,
                (ARRAY[${ACTIONS.map((a) => `'${a}'`).join(',')}])[1 + (s * 31 % ${ACTIONS.length})],
                NULL, 'cluster-' || lpad((s * 104729 % ${CLUSTERS})::text, 2, '0'),
                'proposal', 'subject-' || (s / 5), NULL, jsonb_build_object('status', 'OPEN', 'n', s), md5(s::text), '10.0.0.1',
                md5((s - 1)::text) || md5((s - 1)::text), md5(s::text) || md5(s::text)
           FROM generate_series($1::bigint, $2::bigint) AS s`,
        [from, to, events],
      );
      process.stdout.write(`  inserted ${to.toLocaleString('en')} events\n`);
    }
    await client.query(`UPDATE audit_chain_head SET last_seq = $1::bigint, last_hash = md5($1::bigint::text) || md5($1::bigint::text), last_created_at = timestamptz '2026-11-26'`, [events]);
    await client.query('VACUUM ANALYZE audit_events');
  } finally {
    await client.end();
  }
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; p95: number; rows: number }> {
  let rows = 0;
  for (let i = 0; i < 3; i++) rows = ((await fn()) as unknown[]).length;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] ?? 0, p95: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)] ?? 0, rows };
}

export async function runBench(args: string[]): Promise<void> {
  const events = numberOption(args, 'events', 1_000_000);
  const runs = numberOption(args, 'runs', 30);
  let embedded: EmbeddedDatabaseServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = embedded.serverUrl;
  }
  const database = `palisade_bench_audit_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(serverUrl, database);
  const prisma = new PrismaService({ databaseUrl: url, poolSize: 2 });
  try {
    await applyMigrations(url);
    const fillStart = Date.now();
    process.stdout.write(`filling ${events.toLocaleString('en')} audit events\n`);
    await fill(url, events);
    const fillSeconds = (Date.now() - fillStart) / 1000;
    const repository = new AuditEventRepository(prisma);
    const q = (filter: Partial<AuditEventFilter>) => () => repository.query({ scope: null, ...filter }, PAGE + 1);
    const deep = Math.floor(events * 0.1); // a cursor 90% of the way back through the trail
    const cases: [string, () => Promise<unknown>][] = [
      ['first page, no filter', q({})],
      [`deep page (cursor at seq ${deep.toLocaleString('en')}), no filter`, q({ beforeSeq: deep })],
      ['first page, cluster', q({ clusterName: 'cluster-07' })],
      ['deep page, cluster', q({ clusterName: 'cluster-07', beforeSeq: deep })],
      ['first page, actor + action', q({ actorName: 'actor-42', action: 'proposal.created' })],
      ['deep page, actor + action', q({ actorName: 'actor-42', action: 'proposal.created', beforeSeq: deep })],
      ['subject', q({ subjectId: `subject-${Math.floor(events / 10)}` })],
      ['cluster + one week in the middle', q({ clusterName: 'cluster-07', from: new Date('2026-05-20T00:00:00Z'), to: new Date('2026-05-27T00:00:00Z') })],
      ['deep page, scope of 5 clusters', q({ scope: ['cluster-01', 'cluster-02', 'cluster-03', 'cluster-04', 'cluster-05'], beforeSeq: deep })],
    ];
    const lines: string[] = [];
    for (const [name, fn] of cases) {
      const result = await time(runs, fn);
      const line = `| ${name} | ${result.rows} | ${result.median.toFixed(2)} | ${result.p95.toFixed(2)} |`;
      lines.push(line);
      process.stdout.write(`${line}\n`);
    }
    if (!args.includes('--no-write')) {
      writeBenchmarkSection(
        'audit',
        [
          '## Audit query (`npm run bench -- audit`)',
          '',
          `${events.toLocaleString('en')} audit events (${CLUSTERS} clusters, ${ACTORS} actors, ${ACTIONS.length} actions, one year), filled with generate_series in ${fillSeconds.toFixed(0)} s; ` +
            `page size ${PAGE}; ${runs} timed runs after 3 warm-up runs, through AuditEventRepository.query (the API's query, Prisma + pg). ` +
            `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), PostgreSQL ${embedded ? 'embedded' : 'on DATABASE_URL'}, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}.`,
          '',
          '| query | rows | median ms | p95 ms |',
          '| --- | ---: | ---: | ---: |',
          ...lines,
          '',
          'Keyset pagination on `seq` with a `(column, seq)` index per filter keeps a deep page as cheap as the first; time bounds are turned into seq bounds through the `(created_at, seq)` index.',
        ].join('\n'),
      );
    }
  } finally {
    await prisma.$disconnect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    if (embedded) await embedded.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
