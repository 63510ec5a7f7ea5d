import { spawn, spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import type { CliIo } from '../../apps/cli/src/cli-io.type';
import { connectivityOutput, writeConnectivity } from '../../apps/cli/src/commands/connectivity.command';
import { writeSummary } from '../../apps/cli/src/commands/summary.command';
import { loadValidManifests } from '../../apps/cli/src/input/load-manifests.util';
import { OutputThread } from '../../apps/cli/src/output-thread.util';
import { parseCommandArgs } from '../../apps/cli/src/parse-command-args.util';
import { childEnv, type NodeBinary, nodeOption, numberOption, optionValue } from './bench-options';
import { writeBenchmarkSection } from './benchmarks-file';
import { generateCluster, type TierName, TIERS } from './synthetic-cluster';

// `npm run bench -- open [--tier S,M,L] [--seed N] [--no-write] [--commands summary,aggregate,text,jsonl,either-end] [--node PATH]`: the CLI on the open shape (about one
// namespace in six without any policy), per command in a child process of its own: reading the input,
// then analysis plus output written to a file, and the child's peak RSS; the same commands through
// `node bin/palisade.cjs` under /usr/bin/time for the end-to-end wall time and maximum RSS. With
// `--commands`, only those run and their lines are printed (no table, nothing written).

const ROOT = join(__dirname, '../..');
const DIR = join(ROOT, '.bench', 'open');
const RESULT_PREFIX = '@@result ';
const MB = 1e6;
const TIER_ORDER: TierName[] = ['S', 'M', 'L'];

/** The commands measured, with the issue's targets on the L tier (analysis plus output, peak RSS). */
const COMMANDS: { key: string; name: string; argv: string[]; targetMs?: number }[] = [
  { key: 'summary', name: 'summary', argv: ['summary'], targetMs: 2000 },
  { key: 'aggregate', name: 'connectivity --aggregate namespace', argv: ['connectivity', '--aggregate', 'namespace'], targetMs: 2000 },
  { key: 'text', name: 'connectivity (text, every flow)', argv: ['connectivity'], targetMs: 20_000 },
  { key: 'jsonl', name: 'connectivity -o jsonl (every flow)', argv: ['connectivity', '-o', 'jsonl'], targetMs: 20_000 },
  { key: 'either-end', name: 'connectivity --aggregate namespace-either-end', argv: ['connectivity', '--aggregate', 'namespace-either-end'] },
];
const PEAK_TARGET_MB = 1500;
/**
 * Child processes per command whose target is a few seconds: its figures are the run with the
 * median analysis + output time (one run on a shared host can be off by a tenth either way).
 * The every-flow commands (tens of seconds, gigabytes written) run once.
 */
const RUNS_SHORT = 3;
const SHORT_MS = 5000;

interface CommandResult {
  command: string;
  readMs: number;
  analysisOutputMs: number;
  /** Of analysisOutputMs, the time spent waiting for the output thread (the disk's share beyond the listing's, which varies by seconds on a shared machine). */
  writeMs: number;
  outputMb: number;
  lines: number;
  peakRssMb: number;
  e2eSeconds: number;
  e2ePeakRssMb: number;
  /** Every run's analysis + output ms, ascending (one entry for a command run once). */
  runsMs: number[];
}

/** What one child process measures. */
type ChildResult = Omit<CommandResult, 'e2eSeconds' | 'e2ePeakRssMb' | 'runsMs'>;

interface TierResult {
  tier: TierName;
  stats: ReturnType<typeof generateCluster>['stats'];
  inputMb: number;
  commands: CommandResult[];
}

const now = (): number => performance.now();

/** A fixed CPU-bound loop (xorshift32, 200 million steps): compare machines by the ratio of this figure. */
export function calibrationMs(): number {
  const start = now();
  let x = 2463534242;
  for (let i = 0; i < 200_000_000; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  const ms = now() - start;
  if (x === 0) throw new Error('unreachable: xorshift never reaches 0');
  return ms;
}

/**
 * A fixed memory-bound loop: 2×10⁶ dependent reads at random places of a 64 MB array (one cycle
 * through it, Sattolo's shuffle of a fixed xorshift32 sequence), each a cache and TLB miss. The
 * analysis is mostly such misses, and a host's other load slows them where the CPU loop above
 * runs as fast as ever: a run whose figure here is higher than an idle machine's ran on a
 * contended memory system.
 */
export function memoryCalibrationMs(): number {
  const n = 1 << 24;
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) next[i] = i;
  let x = 2463534242;
  for (let i = n - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % i;
    const t = next[i];
    next[i] = next[j];
    next[j] = t;
  }
  const start = now();
  let at = 0;
  for (let s = 0; s < 2_000_000; s++) at = next[at];
  const ms = now() - start;
  if (at < 0) throw new Error('unreachable: entries are array indexes');
  return ms;
}

/** Bytes the disk-write calibration writes: past the page cache's share a writer runs at the disk's speed. */
const DISK_CALIBRATION_BYTES = 1024 * MB;

/**
 * A fixed write to the bench's folder: 1,024 MB in 64 MiB writes, then flushed to the disk
 * (`fsync`), in MB/s. Writing every flow of open L (7.9 GB as JSON Lines) passes the share of
 * memory the kernel keeps as dirty pages, after which the writer waits for the disk: its time
 * follows this figure, which differs between machines of one kind and, on one machine, from hour
 * to hour (218–393 MB/s within an hour on one Intel Xeon).
 */
export function diskWriteMbPerSecond(dir: string): number {
  const file = join(dir, 'disk-calibration.bin');
  const chunk = Buffer.alloc(64 * 2 ** 20, 0x61);
  const fd = openSync(file, 'w');
  const start = now();
  try {
    for (let written = 0; written < DISK_CALIBRATION_BYTES; ) written += writeSync(fd, chunk, 0, Math.min(chunk.length, DISK_CALIBRATION_BYTES - written));
    fsyncSync(fd);
    return DISK_CALIBRATION_BYTES / MB / ((now() - start) / 1000);
  } finally {
    // Also when a write fails (a full disk): the gigabyte is not left behind.
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

function inputFile(tier: TierName): string {
  return join(DIR, `open-${tier}.json`);
}

/** The open cluster as one JSON List (`kubectl get -o json` style). */
function writeInput(tier: TierName, seed: number): { stats: TierResult['stats']; inputMb: number } {
  const cluster = generateCluster(TIERS[tier], seed, 'open');
  const file = inputFile(tier);
  const fd = openSync(file, 'w');
  writeSync(fd, '{"apiVersion":"v1","kind":"List","items":[\n');
  let first = true;
  const item = (o: object): void => {
    writeSync(fd, `${first ? '' : ',\n'}${JSON.stringify(o)}`);
    first = false;
  };
  for (const ns of cluster.inventory.namespaces) item({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } });
  for (const pod of cluster.inventory.pods) {
    item({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: pod.workload?.kind, name: pod.workload?.name, controller: true }] },
      spec: { containers: [{ name: 'main', image: 'example.com/app:1.0', ports: (pod.ports ?? []).map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) }] },
      status: { podIP: pod.ip },
    });
  }
  for (const p of cluster.policies) item(p);
  writeSync(fd, '\n]}\n');
  closeSync(fd);
  return { stats: cluster.stats, inputMb: statSync(file).size / MB };
}

/** One command, in this (child) process: read the input, then analysis and output to a file. */
function runCommandChild(tier: TierName, index: number): ChildResult {
  const command = COMMANDS[index];
  const out = join(DIR, `out-${tier}-${index}.txt`);
  const fd = openSync(out, 'w');
  let writeMs = 0;
  // As main.ts writes stdout: in order, from a second thread past the first MiB (the output's share
  // of the run is then the time this thread waits for room in the queue, and for it to drain).
  const output = new OutputThread(fd);
  const written = (write: () => void): void => {
    const t = now();
    write();
    writeMs += now() - t;
  };
  const io: CliIo = {
    cwd: ROOT,
    // Lines are counted in the file afterwards, untimed (counting them here with indexOf cost 6.7 s of a 20 s every-flow run).
    stdout: (text) => written(() => output.write(Buffer.from(text, 'utf8'))),
    stdoutBytes: (bytes) => written(() => output.write(bytes)),
    stdoutRoom: (length) => {
      const t = now();
      const room = output.room(length);
      writeMs += now() - t;
      return room;
    },
    // Lines as main.ts hands them over: joined by the output thread once it runs (writeMs: waiting for room in its queue).
    stdoutLines: () => output.lines(written),
    stderr: (text) => void process.stderr.write(text),
  };
  const [name, ...rest] = command.argv;
  const args = parseCommandArgs(name, [inputFile(tier), ...rest]);
  const start = now();
  // As the commands read it: without policy locations (no line is reported).
  const loaded = loadValidManifests([inputFile(tier)], io, { policyLocations: false });
  const read = now();
  if (name === 'summary') writeSummary(loaded, args, 'text', io);
  else writeConnectivity(loaded, args, connectivityOutput(args), io);
  written(() => output.close());
  const done = now();
  closeSync(fd);
  const lines = countLines(out);
  const outputMb = statSync(out).size / MB;
  rmSync(out); // gigabytes at L
  return {
    command: command.name,
    readMs: read - start,
    analysisOutputMs: done - read,
    writeMs,
    outputMb,
    lines,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
  };
}

/** Newlines in a file, read a buffer at a time (Buffer.indexOf is native). */
function countLines(file: string): number {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 24);
  let lines = 0;
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
    for (let i = buffer.indexOf(10); i >= 0 && i < n; i = buffer.indexOf(10, i + 1)) lines++;
  }
  closeSync(fd);
  return lines;
}

function child(node: NodeBinary, tier: TierName, index: number): Promise<ChildResult> {
  const args = ['--max-old-space-size=4096', '-r', '@swc-node/register', __filename, '--child', String(index), '--tier', tier];
  return new Promise((resolve, reject) => {
    // In the allocator set-up bin/palisade.cjs gives the CLI.
    const proc = spawn(node.path, args, { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) reject(new Error(`open bench child ${tier} ${COMMANDS[index].name} failed (exit ${code})`));
      else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult);
    });
  });
}

/** `node bin/palisade.cjs …` under /usr/bin/time: wall seconds and maximum RSS (its own output to a file). */
function endToEnd(node: NodeBinary, tier: TierName, index: number): { seconds: number; peakRssMb: number } {
  const file = join(DIR, `e2e-${tier}-${index}.txt`);
  const out = openSync(file, 'w');
  const [name, ...rest] = COMMANDS[index].argv;
  const result = spawnSync('/usr/bin/time', ['-f', '@@time %e %M', node.path, join(ROOT, 'bin/palisade.cjs'), name, inputFile(tier), ...rest], { cwd: ROOT, stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  rmSync(file);
  const match = /@@time ([\d.]+) (\d+)/.exec(result.stderr.toString());
  if (result.status !== 0 || !match) throw new Error(`palisade ${name} on open ${tier} failed: ${result.stderr.toString().slice(0, 500)}`);
  return { seconds: Number(match[1]), peakRssMb: (Number(match[2]) * 1024) / MB };
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/** The fixed loops and the disk write a run's figures compare by. */
interface Calibration {
  cpuMs: number;
  memoryMs: number;
  diskMbPerSecond: number;
}

function markdown(node: NodeBinary, results: TierResult[], seed: number, load: number[], calibration: Calibration, started: Date): string {
  const lines: string[] = [];
  lines.push('## Open clusters through the CLI (`npm run bench -- open`)', '');
  lines.push(
    `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')}–${new Date().toISOString().slice(11, 16)} UTC on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${Math.round(totalmem() / 2 ** 30)} GiB,`,
    `Node ${node.version}; seed ${seed}; load average at the start ${load.map((l) => l.toFixed(1)).join(' / ')}. Calibration: a fixed`,
    `CPU-bound loop (xorshift32, 2×10⁸ steps, \`calibrationMs\` in tools/bench/open-cluster.bench.ts) took ${calibration.cpuMs.toFixed(0)} ms: compare runs on other machines as ratios of it;`,
    `a fixed memory-bound loop (2×10⁶ dependent reads over 64 MB, \`memoryCalibrationMs\`) took ${calibration.memoryMs.toFixed(0)} ms (a figure above an idle machine's means other load contended for memory);`,
    `a fixed write of ${(DISK_CALIBRATION_BYTES / MB).toLocaleString('en-US')} MB to the bench's folder, flushed to the disk (\`diskWriteMbPerSecond\`), ran at ${calibration.diskMbPerSecond.toFixed(0)} MB/s: the every-flow`,
    'commands write more than the kernel keeps as dirty pages (20 % of memory by default), and past that at about the disk\'s speed.',
    '',
    'The "open" shape of `tools/bench/synthetic-cluster.ts`: the S, M and L tiers where about one team namespace in six has',
    'no policy at all and about one in twenty-four isolates ingress only. Input: one JSON List file. Each command runs in a',
    `child process of its own (summary and \`--aggregate namespace\` ${RUNS_SHORT} times: the run with the median time is shown, beside every run's time): "read" is \`loadValidManifests\` (not in the targets), "analysis + output" is the rest of the`,
    'command with its output written to a file as the CLI writes it, from a second thread past the first MiB ("of which',
    'writing": the time the command waits for room in that queue and for it to drain, the disk\'s share beyond the listing\'s;',
    'text and jsonl go as UTF-8 bytes, other formats as strings encoded on the way),',
    '"peak RSS" that child\'s maximum. "End to end" is `node bin/palisade.cjs`',
    'under /usr/bin/time (SWC compilation of the CLI included), output redirected to a file. Targets on L: summary and',
    `aggregate ≤ 2 s, every flow ≤ 20 s (analysis + output), peak RSS ≤ ${PEAK_TARGET_MB} MB for every command.`,
    '',
  );
  lines.push('| Tier | pods / namespaces / policies | workloads | flows (workload and external: lines of the full output) | input MB |', '| --- | --- | ---: | ---: | ---: |');
  for (const r of results) lines.push(`| open ${r.tier} | ${r.stats.pods} / ${r.stats.namespaces} / ${r.stats.policies} | ${r.stats.workloads} | ${r.commands[2].lines} | ${r.inputMb.toFixed(1)} |`);
  lines.push('', '| Tier | command | read ms | analysis + output ms | of which writing ms | target (ratio) | output lines | output MB | peak RSS MB | end to end s | end to end max RSS MB |', '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    COMMANDS.forEach((c, i) => {
      const m = r.commands[i];
      const target = r.tier === 'L' && c.targetMs !== undefined ? `${c.targetMs} ms (${(m.analysisOutputMs / c.targetMs).toFixed(2)}×${m.analysisOutputMs <= c.targetMs ? '' : ' **over**'})` : '–';
      const peak = Math.max(m.peakRssMb, m.e2ePeakRssMb);
      const over = r.tier === 'L' && peak > PEAK_TARGET_MB ? ' **over**' : '';
      const runs = m.runsMs.length > 1 ? ` (${m.runsMs.map(fmt).join(' / ')})` : '';
      lines.push(`| open ${r.tier} | \`${c.name}\` | ${fmt(m.readMs)} | ${fmt(m.analysisOutputMs)}${runs} | ${fmt(m.writeMs)} | ${target} | ${m.lines} | ${m.outputMb.toFixed(1)} | ${m.peakRssMb.toFixed(0)}${over} | ${m.e2eSeconds.toFixed(1)} | ${m.e2ePeakRssMb.toFixed(0)} |`);
    });
  }
  const large = results.find((r) => r.tier === 'L');
  if (large) {
    const peak = Math.max(...large.commands.map((m) => Math.max(m.peakRssMb, m.e2ePeakRssMb)));
    const over = COMMANDS.filter((c, i) => c.targetMs !== undefined && large.commands[i].analysisOutputMs > c.targetMs).map((c) => `\`${c.name}\``);
    lines.push(
      '',
      `On L: peak RSS at most ${peak.toFixed(0)} MB (${peak <= PEAK_TARGET_MB ? 'within' : '**over**'} ${PEAK_TARGET_MB} MB), most of it the parsed input; time ${over.length === 0 ? 'within every target' : `**over** its target for ${over.join(', ')}`}`,
      `(measured with the calibration loop at ${calibration.cpuMs.toFixed(0)} ms and the disk writing ${calibration.diskMbPerSecond.toFixed(0)} MB/s; divide by the ratio to an idle machine's figures before comparing).`,
    );
  }
  return lines.join('\n');
}

/** Entry point for tools/bench/run.ts. */
export async function runBench(args: string[]): Promise<void> {
  const tiers = (optionValue(args, 'tier')?.split(',') ?? TIER_ORDER) as TierName[];
  for (const t of tiers) if (!TIER_ORDER.includes(t)) throw new Error(`unknown tier ${t} (expected ${TIER_ORDER.join(', ')})`);
  const seed = numberOption(args, 'seed', 20261126);
  const node = nodeOption(args);
  const only = optionValue(args, 'commands')?.split(',');
  for (const key of only ?? []) if (!COMMANDS.some((c) => c.key === key)) throw new Error(`unknown command ${key} (expected ${COMMANDS.map((c) => c.key).join(', ')})`);
  const load = loadavg();
  const started = new Date();
  mkdirSync(DIR, { recursive: true });
  const calibration = calibrationMs();
  const memoryCalibration = memoryCalibrationMs();
  // The disk's figure explains the every-flow commands' (gigabytes written); runs of only the short ones skip its 1 GB write.
  const everyFlow = COMMANDS.some((c) => c.targetMs !== undefined && c.targetMs > SHORT_MS && (!only || only.includes(c.key)));
  const diskMbPerSecond = everyFlow ? diskWriteMbPerSecond(DIR) : undefined;
  process.stdout.write(
    `calibration loop ${calibration.toFixed(0)} ms, memory loop ${memoryCalibration.toFixed(0)} ms${diskMbPerSecond === undefined ? '' : `, disk write ${diskMbPerSecond.toFixed(0)} MB/s`}\n`,
  );
  const results: TierResult[] = [];
  for (const tier of tiers) {
    const input = writeInput(tier, seed);
    const commands: CommandResult[] = [];
    for (let i = 0; i < COMMANDS.length; i++) {
      if (only && !only.includes(COMMANDS[i].key)) continue;
      const runs: ChildResult[] = [];
      const short = COMMANDS[i].targetMs !== undefined && COMMANDS[i].targetMs <= SHORT_MS;
      for (let run = 0; run < (short ? RUNS_SHORT : 1); run++) runs.push(await child(node, tier, i));
      runs.sort((a, b) => a.analysisOutputMs - b.analysisOutputMs);
      // The median run's times; the highest peak RSS of all runs.
      const inProcess = { ...runs[Math.floor(runs.length / 2)], peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
      const e2e = endToEnd(node, tier, i);
      commands.push({ ...inProcess, e2eSeconds: e2e.seconds, e2ePeakRssMb: e2e.peakRssMb, runsMs: runs.map((r) => r.analysisOutputMs) });
      process.stdout.write(
        `open ${tier.padEnd(2)} ${COMMANDS[i].name.padEnd(36)} read ${fmt(inProcess.readMs)} ms  analysis+output ${fmt(inProcess.analysisOutputMs)} ms${runs.length > 1 ? ` (median of ${runs.map((r) => fmt(r.analysisOutputMs)).join(' / ')})` : ''} (writing ${fmt(inProcess.writeMs)})  lines ${inProcess.lines}  peak RSS ${inProcess.peakRssMb.toFixed(0)} MB  end to end ${e2e.seconds.toFixed(1)} s, ${e2e.peakRssMb.toFixed(0)} MB\n`,
      );
    }
    results.push({ tier, ...input, commands });
  }
  // A run of some commands prints its lines only: the table needs every command, and the disk's figure.
  if (only || diskMbPerSecond === undefined) return;
  const table = markdown(node, results, seed, load, { cpuMs: calibration, memoryMs: memoryCalibration, diskMbPerSecond }, started);
  if (!args.includes('--no-write') && tiers.length === TIER_ORDER.length) {
    writeBenchmarkSection('open', table);
    process.stdout.write('open: figures written to BENCHMARKS.md\n');
  } else process.stdout.write(`${table}\n`);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (name: string): string => argv[argv.indexOf(`--${name}`) + 1];
  const result = runCommandChild(value('tier') as TierName, Number(value('child')));
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}
