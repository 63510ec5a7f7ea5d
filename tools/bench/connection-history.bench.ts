import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  applyMigrations,
  type ConnectionHistoryFilter,
  ConnectionHistoryRepository,
  type EndpointMatch,
  type NewConnectionChange,
  type OpenConnectionFilter,
  PrismaService,
  withDatabase,
} from '@palisade/persistence';
import { Client } from 'pg';

import { type EmbeddedDatabaseServer, startEmbeddedPostgres } from '../embedded-postgres';
import { numberOption } from './bench-options';
import { writeBenchmarkSection } from './benchmarks-file';

// `npm run bench -- history [--records N] [--versions N] [--runs N] [--no-write]`
// Fills a scratch database (on DATABASE_URL's server, or an embedded PostgreSQL) with 10 clusters,
// N versions (with their proposals) and N connection change records through generate_series, derives
// the open connections, then times the history and open queries of the API (ConnectionHistoryRepository,
// Prisma + pg) by cluster + destination IP + port and by namespace/workload, each over `runs` queries
// with different clusters, addresses and workloads. Prints EXPLAIN ANALYZE of each query kind.

const CLUSTERS = 10;
const NAMESPACES = 50;
const APPS = 20; // per namespace: 1,000 workloads per cluster
const PAGE = 50;
/** A closing record closes the flow of the record this many before it (same cluster). */
const CLOSE_DISTANCE = 50_000;
const PORTS = [443, 80, 8080, 53, 5432, 6379, 9090, 3306, 8443, 9200];

/** The endpoint, protocol and ports of flow `f` (h1..h3 are hashes of f), in SQL. */
const FLOW_SQL = `
  CASE WHEN h1 % 10 = 0 THEN 'CIDR' ELSE 'WORKLOAD' END AS source_kind,
  CASE WHEN h1 % 10 = 0 THEN NULL ELSE 'ns-' || (h1 / 10 % ${NAMESPACES}) END AS source_namespace,
  CASE WHEN h1 % 10 = 0 THEN NULL WHEN h1 / 10000 % 10 = 0 THEN 'StatefulSet' ELSE 'Deployment' END AS source_workload_kind,
  CASE WHEN h1 % 10 = 0 THEN NULL ELSE 'app-' || (h1 / 500 % ${APPS}) END AS source_workload_name,
  CASE WHEN h1 % 10 = 0 THEN ('203.0.' || (h1 / 10 % 256) || '.' || (h1 / 2560 % 256) || '/32')::cidr END AS source_cidr,
  CASE WHEN h2 % 100 < 75 THEN 'WORKLOAD' ELSE 'CIDR' END AS destination_kind,
  CASE WHEN h2 % 100 < 75 THEN 'ns-' || (h2 / 100 % ${NAMESPACES}) END AS destination_namespace,
  CASE WHEN h2 % 100 < 75 THEN CASE WHEN h2 / 100000 % 10 = 0 THEN 'StatefulSet' ELSE 'Deployment' END END AS destination_workload_kind,
  CASE WHEN h2 % 100 < 75 THEN 'app-' || (h2 / 5000 % ${APPS}) END AS destination_workload_name,
  (CASE WHEN h2 % 100 < 75 THEN NULL
        WHEN h2 % 100 < 85 THEN '93.184.' || (h2 / 100 % 2000 / 256) || '.' || (h2 / 100 % 2000 % 256) || '/32'
        WHEN h2 % 100 < 93 THEN '104.16.' || (h2 / 100 % 250) || '.0/24'
        WHEN h2 % 100 < 97 THEN '151.' || (h2 / 100 % 50) || '.0.0/16'
        WHEN h2 % 100 < 99 THEN '10.' || (h2 / 100 % 200) || '.0.0/16'
        ELSE '0.0.0.0/0' END)::cidr AS destination_cidr,
  CASE WHEN h2 % 100 = 99 THEN '{10.0.0.0/8,172.16.0.0/12,192.168.0.0/16}'::cidr[] ELSE '{}'::cidr[] END AS destination_except,
  CASE WHEN h3 % 100 < 85 THEN 'TCP' WHEN h3 % 100 < 97 THEN 'UDP' ELSE 'SCTP' END AS protocol,
  CASE WHEN h3 / 100 % 100 < 70 THEN int4range((ARRAY[${PORTS.join(',')}])[1 + h3 / 10000 % 10], (ARRAY[${PORTS.join(',')}])[1 + h3 / 10000 % 10], '[]')
       WHEN h3 / 100 % 100 < 95 THEN int4range(8000 + h3 / 10000 % 100 * 10, 8099 + h3 / 10000 % 100 * 10, '[]')
       ELSE int4range(1, 65535, '[]') END AS ports`;

async function fill(url: string, versions: number, records: number): Promise<void> {
  const perVersion = Math.floor(records / versions);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`INSERT INTO clusters (name, head_version, updated_at) SELECT 'bench-' || lpad(i::text, 2, '0'), $1::int, now() FROM generate_series(0, ${CLUSTERS - 1}) i`, [
      versions / CLUSTERS,
    ]);
    // Version v (0-based, in time order) belongs to cluster v % 10; one every 50 minutes.
    await client.query(
      `CREATE TABLE bench_versions AS
       SELECT v, c.id AS cluster_id, v / ${CLUSTERS} + 1 AS number, timestamptz '2025-12-01' + v * interval '50 minutes' AS occurred_at,
              CASE WHEN v / ${CLUSTERS} > 0 AND (v / ${CLUSTERS} + 1) % 7 <> 0 THEN gen_random_uuid() END AS proposal_id
         FROM generate_series(0, $1::int - 1) v JOIN clusters c ON c.name = 'bench-' || lpad((v % ${CLUSTERS})::text, 2, '0')`,
      [versions],
    );
    await client.query('ALTER TABLE bench_versions ADD PRIMARY KEY (v)');
    await client.query(
      `INSERT INTO proposals (id, author_id, author_kind, author_name, base_version, change_hash, changes, cluster_id, status, title, merged_version, created_at, updated_at)
       SELECT proposal_id, 'author-' || (v % 40), CASE WHEN v % 3 = 0 THEN 'bot' ELSE 'human' END, 'author-' || (v % 40), number - 1, md5(v::text), '{}',
              cluster_id, 'MERGED', 'Change ' || number, number, occurred_at, occurred_at
         FROM bench_versions WHERE proposal_id IS NOT NULL`,
    );
    await client.query(
      `INSERT INTO policy_set_versions (author_name, cluster_id, content_hash, created_at, number, parent_number, policy_count, origin, source_proposal_id)
       SELECT 'author-' || (v % 40), cluster_id, md5(v::text), occurred_at, number, NULLIF(number - 1, 0), 100,
              CASE WHEN proposal_id IS NULL THEN 'IMPORT' ELSE 'PROPOSAL' END::"VersionOrigin", proposal_id
         FROM bench_versions`,
    );
    const chunk = 200_000;
    for (let from = 1; from <= records; from += chunk) {
      const to = Math.min(records, from + chunk - 1);
      // Record s belongs to version (s - 1) / perVersion. In odd blocks of CLOSE_DISTANCE records, 60%
      // close the flow of the record CLOSE_DISTANCE before (same cluster, an even block: all opened).
      await client.query(
        `INSERT INTO connection_changes (seq, approvers, author_id, author_kind, author_name, cause, change, cluster_id,
           destination_cidr, destination_except, destination_kind, destination_namespace, destination_workload_kind, destination_workload_name,
           flow_key, occurred_at, ports, proposal_id, protocol, snapshot_id,
           source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name, version)
         SELECT s, CASE WHEN bv.proposal_id IS NULL THEN '[]'::jsonb
                        ELSE jsonb_build_array(jsonb_build_object('id', 'approver-' || (bv.v % 7), 'name', 'approver-' || (bv.v % 7)),
                                               jsonb_build_object('id', 'approver-' || (bv.v % 5 + 7), 'name', 'approver-' || (bv.v % 5 + 7))) END,
                'author-' || (bv.v % 40), CASE WHEN bv.v % 3 = 0 THEN 'bot' ELSE 'human' END, 'author-' || (bv.v % 40),
                (CASE WHEN bv.number = 1 THEN 'INITIAL' WHEN bv.proposal_id IS NULL THEN 'INVENTORY' WHEN bv.number % 50 = 0 THEN 'REVERT' ELSE 'PROPOSAL' END)::"ConnectionChangeCause",
                k.change::"ConnectionChangeKind", bv.cluster_id,
                f.destination_cidr, f.destination_except, f.destination_kind::"ConnectionEndpointKind", f.destination_namespace, f.destination_workload_kind, f.destination_workload_name,
                md5(jsonb_build_array(f.source_kind, f.source_namespace, f.source_workload_kind, f.source_workload_name, f.source_cidr::text, '{}',
                                      f.destination_kind, f.destination_namespace, f.destination_workload_kind, f.destination_workload_name,
                                      f.destination_cidr::text, f.destination_except::text, f.protocol)::text)::uuid,
                bv.occurred_at, f.ports, bv.proposal_id, f.protocol::"NetworkProtocol", CASE WHEN bv.proposal_id IS NULL AND bv.number > 1 THEN md5(bv.v::text)::uuid END,
                f.source_cidr, '{}', f.source_kind::"ConnectionEndpointKind", f.source_namespace, f.source_workload_kind, f.source_workload_name, bv.number
           FROM generate_series($1::int, $2::int) AS s
           CROSS JOIN LATERAL (SELECT CASE WHEN (s - 1) / ${CLOSE_DISTANCE} % 2 = 1 AND s % 10 < 6 THEN 'CLOSED' ELSE 'OPENED' END AS change) AS k
           CROSS JOIN LATERAL (SELECT CASE WHEN k.change = 'CLOSED' THEN s - ${CLOSE_DISTANCE} ELSE s END AS id) AS flow
           CROSS JOIN LATERAL (SELECT abs(hashint4(flow.id)) AS h1, abs(hashint4(flow.id + 1000003)) AS h2, abs(hashint4(flow.id + 2000003)) AS h3) AS h
           CROSS JOIN LATERAL (SELECT ${FLOW_SQL}) AS f
           JOIN bench_versions bv ON bv.v = (s - 1) / $3::int
          ORDER BY s`,
        [from, to, perVersion],
      );
      process.stdout.write(`  inserted ${to.toLocaleString('en')} change records\n`);
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('connection_changes', 'seq'), $1::bigint)`, [records]);
    // Open now: every opened record whose flow no later record closed.
    await client.query(
      `INSERT INTO open_connections (cluster_id, destination_cidr, destination_except, destination_kind, destination_namespace,
         destination_workload_kind, destination_workload_name, flow_key, opened_by_id, opened_seq, ports, protocol, since,
         source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name)
       SELECT cluster_id, destination_cidr, destination_except, destination_kind, destination_namespace,
              destination_workload_kind, destination_workload_name, flow_key, id, seq, ports, protocol, occurred_at,
              source_cidr, source_except, source_kind, source_namespace, source_workload_kind, source_workload_name
         FROM connection_changes
        WHERE change = 'OPENED'
          AND NOT (seq + ${CLOSE_DISTANCE} <= $1::bigint AND (seq + ${CLOSE_DISTANCE} - 1) / ${CLOSE_DISTANCE} % 2 = 1 AND (seq + ${CLOSE_DISTANCE}) % 10 < 6)
        ORDER BY seq`,
      [records],
    );
    await client.query('DROP TABLE bench_versions');
    await client.query('VACUUM ANALYZE connection_changes');
    await client.query('VACUUM ANALYZE open_connections');
    await client.query('VACUUM ANALYZE proposals');
    // Timings start after the bulk load's writes are flushed, not while a checkpoint runs.
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/** A small deterministic PRNG (mulberry32), so every run asks the same questions. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Timing {
  p50: number;
  p99: number;
  max: number;
  meanRows: number;
}

async function time(runs: number, query: (i: number) => Promise<unknown[]>): Promise<Timing> {
  for (let i = 0; i < 20; i++) await query(runs + i); // warm-up, other parameters
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    rows += (await query(i)).length;
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(samples.length * q) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: samples.at(-1) ?? 0, meanRows: rows / runs };
}

export async function runBench(args: string[]): Promise<void> {
  const records = numberOption(args, 'records', 1_000_000);
  const versions = numberOption(args, 'versions', 10_000);
  const runs = numberOption(args, 'runs', 300);
  let embedded: EmbeddedDatabaseServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = embedded.serverUrl;
  }
  const database = `palisade_bench_history_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(serverUrl, database);
  const prisma = new PrismaService({ databaseUrl: url, poolSize: 2 });
  try {
    await applyMigrations(url);
    const fillStart = Date.now();
    process.stdout.write(`filling ${versions.toLocaleString('en')} versions and ${records.toLocaleString('en')} connection change records\n`);
    await fill(url, versions, records);
    const fillSeconds = (Date.now() - fillStart) / 1000;
    const counter = new Client({ connectionString: url });
    await counter.connect();
    const openCount = Number((await counter.query<{ n: string }>('SELECT count(*) AS n FROM open_connections')).rows[0]?.n ?? 0);
    const clusterIds = (await counter.query<{ id: string }>(`SELECT id FROM clusters ORDER BY name`)).rows.map((r) => r.id);
    await counter.end();

    const repository = new ConnectionHistoryRepository(prisma);
    // Question i: a cluster, a destination and a port, drawn the same way for every run of the bench.
    const pick = (seed: number, i: number) => {
      const next = random(seed * 100_003 + i);
      const n = (k: number) => Math.floor(next() * k);
      const port = PORTS[n(4)] ?? 443;
      return {
        clusterIds: [clusterIds[n(clusterIds.length)] ?? ''],
        ip32: `93.184.${n(2000) >> 8}.${n(256)}`,
        ip24: `104.16.${n(250)}.${1 + n(254)}`,
        workload: { kind: 'workload', namespace: `ns-${n(NAMESPACES)}`, name: `app-${n(APPS)}` } satisfies EndpointMatch,
        namespace: { kind: 'namespace', namespace: `ns-${n(NAMESPACES)}` } satisfies EndpointMatch,
        port,
      };
    };
    const address = (ip: string): EndpointMatch => ({ kind: 'address', cidr: `${ip}/32` });
    const cases: [string, 'history' | 'open', (i: number) => ConnectionHistoryFilter & OpenConnectionFilter][] = [
      ['history: cluster + destination IP (a /32 pool address) + port', 'history', (i) => { const q = pick(1, i); return { clusterIds: q.clusterIds, to: address(q.ip32), port: q.port }; }],
      ['history: cluster + destination IP (inside a /24) + port', 'history', (i) => { const q = pick(2, i); return { clusterIds: q.clusterIds, to: address(q.ip24), port: q.port }; }],
      ['history: cluster + destination namespace/workload + port', 'history', (i) => { const q = pick(3, i); return { clusterIds: q.clusterIds, to: q.workload, port: q.port }; }],
      ['history: cluster + destination namespace + port', 'history', (i) => { const q = pick(4, i); return { clusterIds: q.clusterIds, to: q.namespace, port: q.port }; }],
      ['history: cluster + source namespace/workload + destination IP', 'history', (i) => { const q = pick(5, i); return { clusterIds: q.clusterIds, from: q.workload, to: address(q.ip24) }; }],
      ['history: cluster only (first page)', 'history', (i) => ({ clusterIds: pick(6, i).clusterIds })],
      ['open: cluster + destination IP (a /32 pool address) + port', 'open', (i) => { const q = pick(7, i); return { clusterIds: q.clusterIds, to: address(q.ip32), port: q.port }; }],
      ['open: cluster + destination IP (inside a /24) + port', 'open', (i) => { const q = pick(8, i); return { clusterIds: q.clusterIds, to: address(q.ip24), port: q.port }; }],
      ['open: cluster + destination namespace/workload + port', 'open', (i) => { const q = pick(9, i); return { clusterIds: q.clusterIds, to: q.workload, port: q.port }; }],
      ['open: cluster + destination namespace + port', 'open', (i) => { const q = pick(10, i); return { clusterIds: q.clusterIds, to: q.namespace, port: q.port }; }],
    ];
    const lines: string[] = [];
    const plans: string[] = [];
    for (const [name, kind, filter] of cases) {
      const run = (i: number) => (kind === 'history' ? repository.queryHistory(filter(i), PAGE + 1) : repository.queryOpen(filter(i), PAGE + 1));
      const result = await time(runs, run);
      const line = `| ${name} | ${result.meanRows.toFixed(1)} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} | ${result.max.toFixed(2)} |`;
      lines.push(line);
      process.stdout.write(`${line}\n`);
      const plan = await repository.explain(kind, filter(0), PAGE + 1);
      const indexes = [...new Set([...plan.matchAll(/(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)/g)].map((m) => m[1]))];
      plans.push(`- ${name}: ${indexes.join(', ')}`);
      if (args.includes('--plans')) process.stdout.write(`${plan}\n\n`);
    }
    process.stdout.write(`${plans.join('\n')}\n`);
    // Recording: one change of 10,000 opened and 10,000 closed ranges into the filled tables, as a merge would.
    const recordCluster = clusterIds[0] ?? '';
    const flows = (change: 'OPENED' | 'CLOSED'): NewConnectionChange[] =>
      Array.from({ length: 10_000 }, (_, i) => ({
        change,
        source: { kind: 'WORKLOAD', namespace: `ns-${i % NAMESPACES}`, workloadKind: 'Deployment', workloadName: `new-${i}` },
        destination: i % 2 === 0 ? { kind: 'CIDR', cidr: `198.51.${i % 256}.${i >> 8}/32`, except: [] } : { kind: 'WORKLOAD', namespace: `ns-${i % 7}`, workloadKind: 'Deployment', workloadName: `db-${i}` },
        protocol: 'TCP',
        ports: { from: 8000, to: 8100 },
      }));
    const origin = (version: number) => ({ clusterId: recordCluster, version, cause: 'PROPOSAL' as const, proposalId: null, author: null, approvers: [], snapshotId: null, occurredAt: new Date() });
    const recordStart = Date.now();
    await prisma.$transaction((tx) => repository.record(origin(versions / CLUSTERS + 1), flows('OPENED'), tx), { timeout: 120_000 });
    const openMs = Date.now() - recordStart;
    const closeStart = Date.now();
    // Closing the middle of every range splits each in two.
    await prisma.$transaction((tx) => repository.record(origin(versions / CLUSTERS + 2), flows('CLOSED').map((c) => ({ ...c, ports: { from: 8040, to: 8060 } })), tx), { timeout: 120_000 });
    const closeMs = Date.now() - closeStart;
    const recording = `Recording (ConnectionHistoryRecorder's repository, into the filled tables): 10,000 opened ranges in ${openMs} ms; closing the middle of each of them (every range split in two) in ${closeMs} ms.`;
    process.stdout.write(`${recording}\n`);
    if (!args.includes('--no-write')) {
      writeBenchmarkSection(
        'history',
        [
          '## Connection history (`npm run bench -- history`)',
          '',
          `${CLUSTERS} clusters, ${versions.toLocaleString('en')} versions (with their proposals) and ${records.toLocaleString('en')} connection change records ` +
            `(${NAMESPACES * APPS} workloads per cluster; 25% of destinations address ranges from /32 to 0.0.0.0/0 with excepts; 30% closing changes), ` +
            `${openCount.toLocaleString('en')} open connections derived from them; filled with generate_series in ${fillSeconds.toFixed(0)} s. ` +
            `Each query kind asked ${runs} times with a different cluster, address or workload and a port among 443, 80, 8080, 53 (after 20 warm-up queries), ` +
            `page size ${PAGE}, through ConnectionHistoryRepository (the API's queries, Prisma + pg). ` +
            `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), PostgreSQL ${embedded ? 'embedded' : 'on DATABASE_URL'}, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}. Target: p99 under 50 ms.`,
          '',
          '| query | mean rows | p50 ms | p99 ms | max ms |',
          '| --- | ---: | ---: | ---: | ---: |',
          ...lines,
          '',
          'Indexes the plans use (EXPLAIN ANALYZE of the first question of each kind):',
          '',
          ...plans,
          '',
          'Addresses are matched with `cidr >>= address` on GiST indexes `(cluster_id, cidr inet_ops, ports)` (btree_gist for the cluster id), which also filter the port (`int4range @> port`) inside the index, ' +
            'so only matching rows are read and sorted newest first; namespace and workload filters use btree `(cluster_id, namespace, workload, seq)` indexes ' +
            '(a namespace + port query reads the namespace\'s ~1,500 records of a cluster and keeps those whose range holds the port: the slowest kind here). ' +
            'A GiST index over the text columns would filter the port in the index too, but cost about 40 µs per inserted row (25,000 rows: 1.1 s instead of 0.05 s for that index alone).',
          '',
          recording,
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
