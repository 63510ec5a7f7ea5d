// `npm run bench -- yaml [--tier S|M|L] [--seed N] [--runs N] [--no-write]`: how fast the manifest
// reader reads YAML, on the fast path (plain YAML through js-yaml) and on the yaml library's path.
import { cpus, loadavg } from 'node:os';

import { type InventoryPod, parseManifests } from '@palisade/netpol-engine';
import { stringify } from 'yaml';

import { numberOption, optionValue } from './bench-options';
import { writeBenchmarkSection } from './benchmarks-file';
import { generateCluster, type TierName, TIERS } from './synthetic-cluster';

const MB = 1024 * 1024;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** CPU time (user + system) of `fn` in ms: on a machine shared with other work, steadier than wall time. */
function cpuTimed(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** A fixed CPU-bound loop: its time beside each run lets runs on different machines compare as ratios. */
function calibrationMs(): number {
  return timed(() => {
    let x = 0;
    for (let i = 0; i < 200_000_000; i++) x = (x + i * 31) % 1_000_003;
    if (x < 0) process.stdout.write('');
  });
}

/** A pod as `kubectl get pod -o yaml` prints the fields the reader uses. */
function podYaml(pod: InventoryPod): string {
  const labels = Object.entries(pod.labels ?? {}).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`).join('');
  const ports = (pod.ports ?? []).map((p) => `    - name: ${p.name}\n      containerPort: ${p.port}\n      protocol: ${p.protocol ?? 'TCP'}\n`).join('');
  const owner = pod.workload ? `  ownerReferences:\n  - apiVersion: apps/v1\n    kind: ${pod.workload.kind}\n    name: ${pod.workload.name}\n    controller: true\n` : '';
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${pod.name}\n  namespace: ${pod.namespace}\n  labels:\n${labels}${owner}spec:\n  containers:\n  - name: main\n    image: example.com/app:1.0\n    ports:\n${ports}status:\n  podIP: ${pod.ip}\n`;
}

interface Input {
  name: string;
  texts: string[];
  mb: number;
  documents: number;
}

/** A GitOps repository (one file per namespace, `---` between documents) and the same objects as one `kind: List`. */
function inputs(tier: TierName, seed: number): Input[] {
  const cluster = generateCluster(TIERS[tier], seed);
  const files = new Map<string, string[]>();
  const add = (ns: string, doc: string): void => void (files.get(ns) ?? files.set(ns, []).get(ns))?.push(doc);
  for (const ns of cluster.inventory.namespaces) add(ns.name, stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } }));
  for (const pod of cluster.inventory.pods) add(pod.namespace, podYaml(pod));
  for (const p of cluster.policies) add(p.metadata.namespace, stringify(p));
  const docs = [...files.values()];
  const texts = docs.map((d) => d.join('---\n'));
  const list = `apiVersion: v1\nkind: List\nitems:\n${docs
    .flat()
    .map((d) => `- ${d.trimEnd().replace(/\n/g, '\n  ')}\n`)
    .join('')}`;
  const size = (ts: string[]): number => ts.reduce((n, t) => n + t.length, 0) / MB;
  return [
    { name: `${tier}: ${texts.length} files of documents`, texts, mb: size(texts), documents: docs.reduce((n, d) => n + d.length, 0) },
    { name: `${tier}: one kind: List (kubectl get -o yaml)`, texts: [list], mb: size([list]), documents: docs.reduce((n, d) => n + d.length, 0) },
  ];
}

// A `%YAML` directive is valid YAML 1.1 that the fast path leaves to the yaml library: the same text,
// read the way every YAML file was read before.
const YAML_LIBRARY_PATH = '%YAML 1.1\n---\n';

function read(texts: readonly string[], prefix: string): number {
  let errors = 0;
  texts.forEach((t, i) => {
    errors += parseManifests(prefix + t, { source: `f${i}.yaml` }).errors.length;
  });
  return errors;
}

export async function runBench(args: string[]): Promise<void> {
  const tier = (optionValue(args, 'tier') ?? 'M') as TierName;
  const seed = numberOption(args, 'seed', 20261126);
  const runs = numberOption(args, 'runs', 3);
  const rows: string[] = [];
  const load = loadavg()[0] ?? 0;
  const calibration = calibrationMs();
  for (const input of inputs(tier, seed)) {
    const fast: number[] = [];
    const slow: number[] = [];
    const fastCpu: number[] = [];
    const slowCpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      let errors = 0;
      let wall = 0;
      fastCpu.push(cpuTimed(() => (wall = timed(() => (errors += read(input.texts, ''))))));
      fast.push(wall);
      slowCpu.push(cpuTimed(() => (wall = timed(() => (errors += read(input.texts, YAML_LIBRARY_PATH))))));
      slow.push(wall);
      if (errors > 0) throw new Error(`${input.name}: ${errors} errors in generated input`);
    }
    const [f, s, fc, sc] = [median(fast), median(slow), median(fastCpu), median(slowCpu)];
    const rate = (ms: number): string => (input.mb / (ms / 1000)).toFixed(1);
    process.stdout.write(`${input.name}: ${input.mb.toFixed(1)} MB  fast ${f.toFixed(0)} ms (${rate(f)} MB/s; CPU ${rate(fc)} MB/s)  yaml library ${s.toFixed(0)} ms (${rate(s)} MB/s; CPU ${rate(sc)} MB/s)\n`);
    rows.push(`| ${input.name} | ${input.documents} | ${input.mb.toFixed(1)} | ${f.toFixed(0)} | ${rate(f)} | ${rate(fc)} | ${s.toFixed(0)} | ${rate(s)} | ${rate(sc)} | ${(s / f).toFixed(1)}× |`);
  }
  const markdown = [
    '## Reading YAML manifests (`npm run bench -- yaml`)',
    '',
    `Run ${new Date().toISOString().slice(0, 16)} UTC on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, load average ${load.toFixed(1)} at the start;`,
    `calibration (a fixed 2·10⁸-step integer loop) ${calibration.toFixed(0)} ms. Tier ${tier} of the synthetic cluster (seed ${seed}), written as YAML: Namespaces and`,
    'policies by the yaml library, Pods as `kubectl get -o yaml` prints them. parseManifests on every text, median of',
    `${runs} runs: the fast path (plain YAML through js-yaml, scalars resolved by the yaml library's YAML 1.1 tags) and the`,
    "yaml library's path (forced with a `%YAML 1.1` directive, which the fast path leaves to it). Goal: ≥ 10 MB/s.",
    'Absolute times scale with the machine and its load (see the calibration); "MB/s of CPU time" divides by the process\'s',
    'own CPU time (user + system), steadier than wall time on a shared machine; the speed-up compares runs on the same machine.',
    '',
    '| Input | documents | MB | fast ms | MB/s | MB/s of CPU time | yaml library ms | MB/s | MB/s of CPU time | speed-up (wall) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  if (!args.includes('--no-write')) writeBenchmarkSection('yaml', markdown);
  await Promise.resolve();
}
