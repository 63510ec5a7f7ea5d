import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NetworkPolicy } from '@palisade/netpol-engine';
import { applyMigrations, ClusterRepository, InventorySnapshotRepository, PolicySetVersionRepository, PrismaService, type SnapshotPod, withDatabase } from '@palisade/persistence';
import { parsePolicySetInput, toStoredPolicies } from '@palisade/policy-versions';
import { AnalysisDataLoader, AnalysisRunner, ConnectivityTracker, ProposalsService } from '@palisade/proposals';
import { Client } from 'pg';

import { AppModule } from '../../apps/api/src/app.module';
import { bootstrap } from '../../apps/api/src/bootstrap';
import { loadApiEnv } from '../../apps/api/src/config/env';
import { type EmbeddedDatabaseServer, startEmbeddedPostgres } from '../embedded-postgres';
import { numberOption, optionValue } from './bench-options';
import { writeBenchmarkSection } from './benchmarks-file';
import { generateCluster, type SyntheticCluster, type TierName, TIERS } from './synthetic-cluster';

// `npm run bench -- analysis [--tier M,L] [--runs N] [--sample-tier M|L] [--sample-seconds N] [--seed N] [--no-write] [--cpu-prof]`
// Boots the real API in-process (AppModule + bootstrap, as main.ts) on a scratch database (on
// DATABASE_URL's server, or an embedded PostgreSQL), stores a synthetic cluster's policies as
// version 1 and its inventory as a snapshot, restarts the API (fresh analysis threads: nothing
// cached) and times, from an HTTP client in the same process, proposal create → analysis READY
// (`Prefer: wait=60`): the first proposal (cold) and then `runs` more on the same snapshot and base
// (cached). Then samples `GET /api/v1/clusters` every 20 ms, alone and while proposals are created
// back to back, to see whether analysis ever blocks the API's event loop (`--cpu-prof`: a main-thread
// CPU profile of that window in .bench/profiles).

const ADMIN_TOKEN = 'pal_bench-bootstrap-admin-000000000000000000000000';
const CLUSTER = 'bench';
const SAMPLE_EVERY_MS = 20;
const TARGETS: Partial<Record<TierName, { coldMs?: number; cachedMs: number; median: boolean }>> = {
  M: { cachedMs: 300, median: true }, // "median ≤ 300 ms"
  L: { coldMs: 2000, cachedMs: 1000, median: true },
};
const P99_TARGET_MS = 50;

/** Steps of a proposal on the API's side, timed by wrapping the API's own services (no code changed). */
const PHASES = ['runnerChange', 'view'] as const;
type Phase = (typeof PHASES)[number];

interface ProposalTiming {
  e2eMs: number;
  /** The engine's own time in the worker thread (analysis.durationMs). */
  workerMs: number;
  phases: Record<Phase, number>;
}

interface TierResult {
  tier: TierName;
  stats: SyntheticCluster['stats'];
  setup: { importMs: number; snapshotMs: number; historyMs: number };
  cold: ProposalTiming;
  cached: ProposalTiming[];
  /** What a cold analysis thread reads first, timed with the thread's own loader from the bench process. */
  reads: { policiesMs: number; inventoryMs: number };
  flowsOpened: number;
  sampling?: { baseline: Sampled; loaded: Sampled & { proposals: number; proposalMedianMs: number } };
}

interface Sampled {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  /** perf_hooks event-loop delay over the same window. */
  loopP99: number;
  loopMax: number;
}

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (xs: number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))] ?? 0;
};
const median = (xs: number[]): number => quantile(xs, 0.5);
const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const log = (line: string): void => void process.stdout.write(`${line}\n`);

let phaseTotals: Record<Phase, number> = { loadBasePolicies: 0, loadSnapshot: 0, runnerChange: 0, view: 0 };
const resetPhases = (): Record<Phase, number> => {
  const taken = phaseTotals;
  phaseTotals = { loadBasePolicies: 0, loadSnapshot: 0, runnerChange: 0, view: 0 };
  return taken;
};

/** Adds the time of every call of `object[method]` to `phase`. */
function timePhase(object: object, method: string, phase: Phase): void {
  const target = object as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = target[method].bind(object);
  target[method] = async (...args: unknown[]) => {
    const start = now();
    try {
      return await original(...args);
    } finally {
      phaseTotals[phase] += now() - start;
    }
  };
}

interface Api {
  app: INestApplication;
  url: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
}

async function boot(databaseUrl: string): Promise<Api> {
  const env = loadApiEnv({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'error',
    DATABASE_POOL_SIZE: '10',
    PALISADE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    PALISADE_BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    ANALYSIS_RECONCILE_MS: '0',
    ANALYSIS_TIMEOUT_MS: '600000',
  });
  const app = bootstrap(await NestFactory.create(AppModule.register(env), { bodyParser: false, logger: ['error', 'warn'] }));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
  };
}

/** The synthetic inventory as a stored snapshot's pods. */
function snapshotPods(cluster: SyntheticCluster): SnapshotPod[] {
  return cluster.inventory.pods.map((p) => ({
    namespace: p.namespace,
    name: p.name,
    labels: p.labels ?? {},
    ...(p.ip === undefined ? {} : { ip: p.ip }),
    ips: p.ip === undefined ? [] : [p.ip],
    ports: (p.ports ?? []).map((port) => ({ name: port.name ?? '', port: Number(port.port), protocol: port.protocol ?? 'TCP' })),
    workload: p.workload ?? { kind: 'Pod', name: p.name },
  }));
}

/** The i-th one-policy change: the tier's changed policy, its extra port moved so every proposal is distinct. */
function change(cluster: SyntheticCluster, i: number): NetworkPolicy {
  return JSON.parse(JSON.stringify(cluster.changedPolicy).replace('"port":7777', `"port":${7000 + i}`)) as NetworkPolicy;
}

async function propose(api: Api, cluster: SyntheticCluster, i: number): Promise<ProposalTiming & { opened: number }> {
  resetPhases();
  const start = now();
  const response = await api.request('POST', `/api/v1/clusters/${CLUSTER}/proposals`, { title: `bench change ${i}`, baseVersion: 1, changes: { upsert: [change(cluster, i)], delete: [] } }, { Prefer: 'wait=60' });
  const e2eMs = now() - start;
  const phases = resetPhases();
  const body = response.body as { analysis?: { status: string; durationMs?: number | null; summary?: { flowsOpened: number; flowsWidened: number } | null; error?: string } };
  if (response.status !== 201 || body.analysis?.status !== 'READY') throw new Error(`proposal ${i}: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  return { e2eMs, workerMs: body.analysis.durationMs ?? 0, phases, opened: (body.analysis.summary?.flowsOpened ?? 0) + (body.analysis.summary?.flowsWidened ?? 0) };
}

/** GET /api/v1/clusters every SAMPLE_EVERY_MS for `seconds`, while `busy` (if any) runs. */
async function sample(api: Api, seconds: number): Promise<Sampled> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const latencies: number[] = [];
  const end = now() + seconds * 1000;
  while (now() < end) {
    const start = now();
    const response = await api.request('GET', '/api/v1/clusters');
    const ms = now() - start;
    if (response.status !== 200) throw new Error(`GET /api/v1/clusters: ${response.status}`);
    latencies.push(ms);
    await sleep(Math.max(0, SAMPLE_EVERY_MS - ms));
  }
  loop.disable();
  return {
    samples: latencies.length,
    p50: median(latencies),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
  };
}

async function runTier(serverUrl: string, tier: TierName, seed: number, runs: number, sampleSeconds: number | null, cpuProf: boolean): Promise<TierResult> {
  const database = `palisade_bench_analysis_${tier.toLowerCase()}_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(serverUrl, database);
  let api: Api | undefined;
  try {
    await applyMigrations(url);
    const cluster = generateCluster(TIERS[tier], seed);
    log(`${tier}: ${cluster.stats.pods} pods, ${cluster.stats.policies} policies generated; storing version 1 and the snapshot`);

    // Setup, on a first instance of the API.
    api = await boot(url);
    const registered = await api.request('POST', '/api/v1/clusters', { name: CLUSTER });
    if (registered.status !== 201) throw new Error(`registering the cluster: ${registered.status} ${JSON.stringify(registered.body)}`);
    const clusterId = (await api.app.get(ClusterRepository).findByName(CLUSTER))?.id as string;
    let start = now();
    const pods = snapshotPods(cluster);
    const namespaces = cluster.inventory.namespaces.map((ns) => ({ name: ns.name, labels: ns.labels ?? {} }));
    await api.app.get(InventorySnapshotRepository).create({
      clusterId,
      source: 'UPLOAD',
      takenAt: new Date(),
      contentHash: createHash('sha256').update(JSON.stringify({ namespaces, pods })).digest('hex'),
      namespaces,
      pods,
    });
    const snapshotMs = now() - start;
    start = now();
    // What POST .../versions/import stores, through the repository: the HTTP JSON body limit is 20 MB
    // (L's policies are more), the import's transaction has Prisma's default 5 s timeout, and L's 60,000
    // policies are past POLICY_SET_MAX_DOCUMENTS' default (an API serving such a cluster raises it).
    const { contentHash, stored } = toStoredPolicies(parsePolicySetInput({ format: 'json', policies: cluster.policies }, { maxDocuments: cluster.policies.length }));
    await api.app.get(PrismaService).$transaction(
      async (tx) => {
        await api?.app.get(ClusterRepository).lockByName(CLUSTER, tx);
        await api?.app.get(PolicySetVersionRepository).append({ clusterId, contentHash, authorId: null, authorName: 'bench', origin: 'IMPORT', policies: stored }, tx);
      },
      { maxWait: 60_000, timeout: 600_000 },
    );
    const importMs = now() - start;
    start = now();
    await api.app.get(ConnectivityTracker).catchUp(clusterId); // version 1's INITIAL connection history, as the scheduler would
    const historyMs = now() - start;
    log(`${tier}: snapshot ${fmt(snapshotMs)} ms, import ${fmt(importMs)} ms, initial connection history ${fmt(historyMs)} ms; restarting the API`);
    await api.app.close();

    // Measurement, on a fresh instance: its analysis threads have nothing cached.
    api = await boot(url);
    timePhase(api.app.get(AnalysisRunner), 'change', 'runnerChange');
    timePhase(api.app.get(ProposalsService), 'view', 'view');
    const cold = await propose(api, cluster, 0);
    log(`${tier}: cold ${fmt(cold.e2eMs)} ms (worker ${fmt(cold.workerMs)} ms; ${PHASES.map((p) => `${p} ${fmt(cold.phases[p])}`).join(', ')}); ${cold.opened} flows opened`);
    const cached: ProposalTiming[] = [];
    for (let i = 1; i <= runs; i++) {
      const timing = await propose(api, cluster, i);
      cached.push(timing);
      log(`${tier}: cached #${i} ${fmt(timing.e2eMs)} ms (worker ${fmt(timing.workerMs)} ms; ${PHASES.map((p) => `${p} ${fmt(timing.phases[p])}`).join(', ')})`);
    }

    // The reads a cold thread starts with, done once more here with the thread's own loader (not JIT-cold).
    const snapshot = await api.app.get(InventorySnapshotRepository).latestSummary(clusterId);
    const loader = new AnalysisDataLoader(url);
    start = now();
    await loader.policySet({ clusterId, number: 1, contentHash });
    const policiesMs = now() - start;
    start = now();
    await loader.inventory({ clusterId, id: snapshot?.id as string, contentHash: snapshot?.contentHash as string });
    const reads = { policiesMs, inventoryMs: now() - start };
    await loader.close();
    log(`${tier}: a thread's reads: policy set ${fmt(reads.policiesMs)} ms, snapshot ${fmt(reads.inventoryMs)} ms`);

    let sampling: TierResult['sampling'];
    if (sampleSeconds !== null) {
      log(`${tier}: sampling GET /api/v1/clusters every ${SAMPLE_EVERY_MS} ms for ${sampleSeconds} s, alone`);
      const baseline = await sample(api, sampleSeconds);
      log(`${tier}: sampling again while proposals are created back to back`);
      let stop = false;
      const proposalMs: number[] = [];
      const live = api;
      const busy = (async () => {
        for (let i = runs + 1; !stop; i++) proposalMs.push((await propose(live, cluster, i)).e2eMs);
      })();
      const profiler = cpuProf ? new Session() : undefined;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      const loaded = await sample(api, sampleSeconds);
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        const dir = join(__dirname, '../../.bench/profiles');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `analysis-${tier}-main-thread.cpuprofile`), JSON.stringify(profile));
        profiler.disconnect();
        log(`${tier}: main-thread CPU profile of the loaded window in .bench/profiles/analysis-${tier}-main-thread.cpuprofile`);
      }
      stop = true;
      await busy;
      sampling = { baseline, loaded: { ...loaded, proposals: proposalMs.length, proposalMedianMs: median(proposalMs) } };
      log(`${tier}: GET /api/v1/clusters alone p50 ${fmt(baseline.p50)} p99 ${fmt(baseline.p99)} max ${fmt(baseline.max)}; with analyses p50 ${fmt(loaded.p50)} p99 ${fmt(loaded.p99)} max ${fmt(loaded.max)} (${proposalMs.length} proposals)`);
    }
    return { tier, stats: cluster.stats, setup: { importMs, snapshotMs, historyMs }, cold, cached, reads, flowsOpened: cold.opened, sampling };
  } finally {
    if (api) await api.app.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

function verdict(ms: number, target: number | undefined): string {
  if (target === undefined) return '–';
  return `${target} ms: ${ms <= target ? 'met' : '**missed**'} (${(ms / target).toFixed(2)}×)`;
}

function markdown(results: TierResult[], runs: number, seed: number, embedded: boolean, load: number[]): string {
  const lines: string[] = [];
  const phaseMedian = (r: TierResult, p: Phase): number => median(r.cached.map((c) => c.phases[p]));
  lines.push('## Proposal analysis (`npm run bench -- analysis`)', '');
  lines.push(
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `PostgreSQL ${embedded ? 'embedded' : 'on DATABASE_URL'}; load average ${load.map((l) => l.toFixed(1)).join(' / ')} at the start (1 / 5 / 15 min); seed ${seed}; \`ANALYSIS_THREADS=1\` (the default).`,
    '',
    'Method: the real API in-process (AppModule + bootstrap, as main.ts), listening on loopback, driven with `fetch` from the same process. ' +
      'Setup per tier: a scratch database, the cluster registered over HTTP, the synthetic cluster (`tools/bench/synthetic-cluster.ts`) stored as an UPLOAD snapshot ' +
      '(InventorySnapshotRepository.create) and its policies written as version 1 with PolicySetVersionRepository.append (what the import stores; over HTTP, the 20 MB JSON body limit refuses L\'s policies and the import\'s transaction, on Prisma\'s default 5 s timeout, expired with M\'s 12,000 on this machine), version 1\'s initial ' +
      'connection history recorded; then the API is closed and booted again so its analysis thread has nothing cached. ' +
      '`POST /api/v1/clusters/bench/proposals` with a one-policy change (the tier\'s changed policy, one more port, a different one each time) and `Prefer: wait=60`, ' +
      `timed from the client until the 201 with \`analysis.status: READY\`: the first proposal (cold: the analysis thread reads the base version and the snapshot from PostgreSQL over its own connection and parses them, engine JIT cold), then ${runs} more on the same base and snapshot (cached). ` +
      'The columns after the targets split the time: AnalysisRunner.change (the round trip to the thread), the thread\'s own time (`analysis.durationMs`: reading what it lacks, building the analysis of the base, the change), ' +
      'and ProposalsService.view; the thread\'s reads are timed again with its loader (AnalysisDataLoader) from the bench process. The API\'s event loop only reads the policies a change names and builds the view.',
    '',
  );
  lines.push(
    '| tier (pods / policies) | cold ms | target cold | cached median ms | cached p90 ms | target cached | runner.change ms | analysis thread ms | view ms | thread reads: policy set / snapshot ms |',
    '| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    const t = TARGETS[r.tier];
    const e2e = r.cached.map((c) => c.e2eMs);
    lines.push(
      `| ${r.tier} (${r.stats.pods.toLocaleString('en')} / ${r.stats.policies.toLocaleString('en')}) | ${fmt(r.cold.e2eMs)} | ${verdict(r.cold.e2eMs, t?.coldMs)} | ${fmt(median(e2e))} | ${fmt(quantile(e2e, 0.9))} | ${verdict(median(e2e), t?.cachedMs)} | ` +
        `${fmt(phaseMedian(r, 'runnerChange'))} (cold ${fmt(r.cold.phases.runnerChange)}) | ${fmt(median(r.cached.map((c) => c.workerMs)))} (cold ${fmt(r.cold.workerMs)}) | ${fmt(phaseMedian(r, 'view'))} (cold ${fmt(r.cold.phases.view)}) | ${fmt(r.reads.policiesMs)} / ${fmt(r.reads.inventoryMs)} |`,
    );
  }
  lines.push('', '### Where the time goes', '');
  for (const r of results) {
    const c = r.cold;
    const engine = c.workerMs - r.reads.policiesMs - r.reads.inventoryMs;
    lines.push(
      `- ${r.tier} cold ${fmt(c.e2eMs)} ms: the analysis thread ${fmt(c.workerMs)} ms, of which reading the base's policies about ${fmt(r.reads.policiesMs)} ms and the snapshot about ${fmt(r.reads.inventoryMs)} ms ` +
        `(one JSON text each, decoded on the thread), leaving about ${fmt(engine)} ms for the engine on a cold thread (JIT warm-up, building the analysis of the base on the snapshot, the change); ` +
        `the request around it ${fmt(c.e2eMs - c.workerMs)} ms. Cached median ${fmt(median(r.cached.map((x) => x.e2eMs)))} ms, of which the thread ${fmt(median(r.cached.map((x) => x.workerMs)))} ms ` +
        `(applying the change, the incremental diff, findingsForChange, hashing the proposed set) and ProposalsService.view ${fmt(median(r.cached.map((x) => x.phases.view)))} ms.`,
    );
  }
  lines.push(
    '',
    'The API\'s event loop never decodes a large base or snapshot: the analysis thread reads them itself, and explicit changes read only the policies they name. ' +
      'The thread keeps the policy sets, inventories and prepared analysis it built last (by content hash), so later proposals on the same base and snapshot read and parse nothing.',
  );
  const coldMissed = results.filter((r) => TARGETS[r.tier]?.coldMs !== undefined && r.cold.e2eMs > (TARGETS[r.tier]?.coldMs as number));
  if (coldMissed.length > 0) {
    lines.push(
      '',
      `Cold target missed on ${coldMissed.map((r) => r.tier).join(', ')}: a thread that has never seen the base and the snapshot (after a restart) reads and decodes them ` +
        '(jsonb to text in PostgreSQL, JSON.parse on the thread) and builds the base\'s analysis with a cold JIT. A new snapshot warms the thread as a side effect ' +
        '(with one thread, the connection history diff of the head on the new snapshot builds the very analysis the next proposal starts from), so the cold case is mostly the first proposal after a restart. Closing the gap needs a compact stored form of ' +
        'snapshots and policy sets (or the prepared analysis itself) rather than jsonb decoded as JSON.',
    );
  }
  lines.push('', 'Setup (not timed against a target): ' + results.map((r) => `${r.tier}: snapshot stored in ${fmt(r.setup.snapshotMs)} ms, version 1 imported in ${fmt(r.setup.importMs)} ms, its initial connection history in ${fmt(r.setup.historyMs)} ms`).join('; ') + '.');
  const sampled = results.filter((r) => r.sampling);
  if (sampled.length > 0) {
    lines.push('', `### API latency while analyses run`, '');
    lines.push(
      `\`GET /api/v1/clusters\` sampled every ${SAMPLE_EVERY_MS} ms from the same process, first with nothing else running (baseline), then while proposals on the tier's cluster are created back to back (each waiting for READY). ` +
        'Event-loop delay: `perf_hooks.monitorEventLoopDelay` over the same window. Target: p99 < 50 ms.',
      '',
      '| tier | run | samples | p50 ms | p99 ms | max ms | event-loop delay p99 / max ms | target p99 < 50 ms |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const r of sampled) {
      const s = r.sampling as NonNullable<TierResult['sampling']>;
      lines.push(`| ${r.tier} | alone | ${s.baseline.samples} | ${fmt(s.baseline.p50)} | ${fmt(s.baseline.p99)} | ${fmt(s.baseline.max)} | ${fmt(s.baseline.loopP99)} / ${fmt(s.baseline.loopMax)} | – |`);
      lines.push(
        `| ${r.tier} | ${s.loaded.proposals} proposals back to back (median ${fmt(s.loaded.proposalMedianMs)} ms each) | ${s.loaded.samples} | ${fmt(s.loaded.p50)} | ${fmt(s.loaded.p99)} | ${fmt(s.loaded.max)} | ${fmt(s.loaded.loopP99)} / ${fmt(s.loaded.loopMax)} | ${s.loaded.p99 < P99_TARGET_MS ? 'met' : '**missed**'} (p99 ${(s.loaded.p99 / Math.max(s.baseline.p99, 0.001)).toFixed(1)}× the baseline's) |`,
      );
    }
  }
  return lines.join('\n');
}

/** Entry point for tools/bench/run.ts. */
export async function runBench(args: string[]): Promise<void> {
  const tiers = (optionValue(args, 'tier')?.split(',') ?? ['M', 'L']) as TierName[];
  for (const t of tiers) if (!TIERS[t]) throw new Error(`unknown tier ${t}`);
  const runs = numberOption(args, 'runs', 10);
  const seed = numberOption(args, 'seed', 20261126);
  const sampleTier = optionValue(args, 'sample-tier') ?? (tiers.includes('L') ? 'L' : tiers[0]);
  const sampleSeconds = numberOption(args, 'sample-seconds', 15);
  const load = loadavg();
  let embedded: EmbeddedDatabaseServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = embedded.serverUrl;
  }
  try {
    const results: TierResult[] = [];
    for (const tier of tiers) results.push(await runTier(serverUrl, tier, seed, runs, tier === sampleTier ? sampleSeconds : null, args.includes('--cpu-prof')));
    const table = markdown(results, runs, seed, embedded !== undefined, load);
    if (!args.includes('--no-write')) {
      writeBenchmarkSection('analysis', table);
      log('analysis: figures written to BENCHMARKS.md');
    } else {
      log(table);
    }
  } finally {
    if (embedded) await embedded.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
