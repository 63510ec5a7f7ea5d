// `npm run bench [-- <name> [options]]`: runs one named bench, or all of them in order.
// To add a bench: write tools/bench/<name>.bench.ts exporting `runBench(args: string[]): Promise<void>`
// and register it below.
import * as abuse from './abuse.bench';
import * as analysis from './analysis.bench';
import * as audit from './audit-query.bench';
import * as diff from './proposal-diff.bench';
import * as history from './connection-history.bench';
import * as open from './open-cluster.bench';
import * as engine from './engine.bench';
import * as sync from './sync.bench';
import * as yaml from './manifest-read.bench';

interface BenchEntry {
  description: string;
  runBench(args: string[]): Promise<void>;
}

const BENCHES: Record<string, BenchEntry> = {
  abuse: {
    description: 'the API (own process) answering /healthz while huge, wrong-role, wrong-scope and many-document imports and GraphQL alias floods are sent',
    runBench: abuse.runBench,
  },
  analysis: {
    description: 'proposal analysis through the API: create → READY on M and L (cold, cached), GET /api/v1/clusters latency while analyses run',
    runBench: analysis.runBench,
  },
  audit: {
    description: 'audit query: first and deep pages with filters over 1M hash-chained events (PostgreSQL)',
    runBench: audit.runBench,
  },
  diff: {
    description: 'proposal diffs: the unified diff stored per policy, for one, 100 and 1,000 changed lines and an all-different text of 8,000 lines',
    runBench: diff.runBench,
  },
  engine: {
    description: 'reachability engine: connectivity, one-policy diff and explain on synthetic clusters S, M, L and stress',
    runBench: engine.runBench,
  },
  history: {
    description: 'connection history: history and open queries by cluster + address + port and by namespace/workload over 1M change records (PostgreSQL)',
    runBench: history.runBench,
  },
  open: {
    description: 'the CLI on open clusters (one namespace in six without policies) S, M, L: summary, --aggregate namespace, every flow as text and JSON Lines, --aggregate namespace-either-end',
    runBench: open.runBench,
  },
  sync: {
    description: 'sync worker: a 1,000-policy version to one cluster, 50 clusters kept in sync (real kube-apiserver, KUBEBUILDER_ASSETS)',
    runBench: sync.runBench,
  },
  yaml: {
    description: 'reading YAML manifests: the plain-YAML fast path against the yaml library, on a tier written as files and as one List',
    runBench: yaml.runBench,
  },
};

function usage(): string {
  const names = Object.entries(BENCHES).map(([name, b]) => `  ${name.padEnd(10)} ${b.description}`);
  return ['usage: npm run bench [-- <name> [options]]', '', 'benches (all of them when no name is given):', ...names].join('\n');
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  if (name !== undefined && !name.startsWith('-') && !BENCHES[name]) {
    process.stderr.write(`bench: unknown bench ${JSON.stringify(name)}\n\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  const selected = name === undefined || name.startsWith('-') ? Object.keys(BENCHES) : [name];
  const args = name === undefined || name.startsWith('-') ? process.argv.slice(2) : rest;
  for (const bench of selected) {
    process.stdout.write(`== bench ${bench}\n`);
    await BENCHES[bench].runBench(args);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
