import { spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createAnalysis, formatFlow } from '@palisade/netpol-engine';

// The bench's generator (tools/ is no project): the test runs the CLI on the open shape the bench measures.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { generateCluster, type TierSpec } from '../../../../tools/bench/synthetic-cluster';
import { runCli } from '../run-cli.util';
import { newTestIo, REPO_ROOT, SEED } from './test-io';

const seed = [`${SEED}/article-policies.yaml`, `${SEED}/article-inventory.yaml`];

function run(argv: string[]) {
  const io = newTestIo();
  const code = runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('palisade summary', () => {
  it('prints isolation and reach per namespace of the seed article', () => {
    const { code, out } = run(['summary', ...seed]);
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'NAMESPACE      WORKLOADS  INGRESS ISOLATED  EGRESS ISOLATED  FROM OTHER NAMESPACES  FROM INTERNET  TO INTERNET',
        'default        2          yes               yes              1                      0              1',
        'ingress-nginx  1          no                no               1                      1              1',
        'kube-system    1          no                no               1                      1              1',
        '',
      ].join('\n'),
    );
  });

  it('-n keeps one namespace; json and csv carry the counts', () => {
    expect(JSON.parse(run(['summary', ...seed, '-n', 'default', '-o', 'json']).out)).toEqual({
      namespaces: [{ namespace: 'default', workloads: 2, ingressIsolated: 2, egressIsolated: 2, reachableFromOtherNamespaces: 1, reachableFromInternet: 0, reachingInternet: 1 }],
    });
    expect(run(['summary', ...seed, '-o', 'csv']).out.split('\n')[2]).toBe('ingress-nginx,1,0,0,1,1,1');
  });

  it('refuses a namespace the input does not have (exit 1)', () => {
    const { code, err } = run(['summary', ...seed, '-n', 'nowhere']);
    expect(code).toBe(1);
    expect(err).toContain('--namespace nowhere: no such namespace in the input');
  });
});

describe('palisade connectivity: aggregation, focus and formats', () => {
  it('--aggregate namespace prints namespace pairs that reach each other wholly, workload lines for the rest', () => {
    const { code, out } = run(['connectivity', ...seed, '--aggregate', 'namespace']);
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 6)).toEqual([
      'default/* => kube-system/* : TCP 53; UDP 53',
      'ingress-nginx/* => kube-system/* : All',
      'ingress-nginx/ingress-nginx[Deployment] => default/myapp[Deployment] : All',
      'kube-system/* => ingress-nginx/* : All',
      'kube-system/* => kube-system/* : All',
      'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443',
    ]);
  });

  it('--aggregate namespace-either-end also folds a whole namespace at one end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-either-end-'));
    try {
      const pod = (ns: string, name: string, app: string) =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: ${ns}\n  name: ${name}\n  labels: {app: ${app}}\nspec:\n  containers: [{name: main, image: app}]\n`;
      const policy = (name: string, spec: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  namespace: back\n  name: ${name}\nspec:\n${spec}`;
      const docs = [
        ...['back', 'front', 'ops'].map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`),
        pod('back', 'db', 'db'),
        pod('back', 'cache', 'cache'),
        pod('front', 'web', 'web'),
        pod('front', 'api', 'api'),
        pod('ops', 'mon', 'mon'),
        pod('ops', 'job', 'job'),
        // back: db takes 5432 from every pod of front; every pod takes 9100 from app=mon anywhere.
        policy('db-from-front', '  podSelector: {matchLabels: {app: db}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: front}}}], ports: [{port: 5432}]}]\n'),
        policy('metrics', '  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: mon}}}], ports: [{port: 9100}]}]\n'),
      ];
      writeFileSync(join(dir, 'cluster.yaml'), docs.join('---\n'));
      const lines = (how: string) => run(['connectivity', join(dir, 'cluster.yaml'), '--aggregate', how]).out.split('\n').filter((l) => l.includes('back/') && !l.includes('/0 :'));
      expect(lines('namespace')).toEqual([
        'back/* => front/* : All',
        'back/* => ops/* : All',
        'front/api[Pod] => back/db[Pod] : TCP 5432',
        'front/web[Pod] => back/db[Pod] : TCP 5432',
        'ops/mon[Pod] => back/cache[Pod] : TCP 9100',
        'ops/mon[Pod] => back/db[Pod] : TCP 9100',
      ]);
      expect(lines('namespace-either-end')).toEqual(['back/* => front/* : All', 'back/* => ops/* : All', 'front/* => back/db[Pod] : TCP 5432', 'ops/mon[Pod] => back/* : TCP 9100']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--focus-workload keeps the flows with that workload at either end; -n those touching a namespace', () => {
    const all = run(['connectivity', ...seed]).out.split('\n').filter(Boolean);
    const focus = run(['connectivity', ...seed, '--focus-workload', 'default/myapp']);
    expect(focus.code).toBe(0);
    expect(focus.out.split('\n').filter(Boolean)).toEqual(all.filter((l) => l.includes('default/myapp[Deployment]')));
    expect(focus.out).toContain('ingress-nginx/ingress-nginx[Deployment] => default/myapp[Deployment] : All\n');
    const ns = run(['connectivity', ...seed, '-n', 'kube-system']);
    expect(ns.out.split('\n').filter(Boolean)).toEqual(all.filter((l) => l.includes('kube-system/')));
    const both = run(['connectivity', ...seed, '-n', 'kube-system', '--focus-workload', 'default/myapp']);
    expect(both.out).toBe('default/myapp[Deployment] => kube-system/kube-dns[Deployment] : TCP 53; UDP 53\n');
  });

  it('refuses an unknown workload (exit 1), a malformed one and another aggregation (exit 2)', () => {
    expect(run(['connectivity', ...seed, '--focus-workload', 'default/nothing'])).toMatchObject({ code: 1, err: expect.stringContaining('--focus-workload default/nothing: no workload of that name in the input') });
    expect(run(['connectivity', ...seed, '--focus-workload', 'myapp'])).toMatchObject({ code: 2, err: expect.stringContaining('--focus-workload takes namespace/name') });
    expect(run(['connectivity', ...seed, '--aggregate', 'workload'])).toMatchObject({ code: 2, err: expect.stringContaining('--aggregate must be namespace') });
  });

  it('-o jsonl prints the flows of -o json one per line', () => {
    const json = JSON.parse(run(['connectivity', ...seed, '-o', 'json']).out) as { flows: unknown[] };
    const lines = run(['connectivity', ...seed, '-o', 'jsonl']).out.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(json.flows);
  });

  it('text and jsonl go as UTF-8 bytes to an io that takes them, the same output as text', () => {
    for (const extra of [[], ['-o', 'jsonl'], ['--aggregate', 'namespace'], ['-o', 'csv']]) {
      const chunks: Uint8Array[] = [];
      const io = Object.assign(newTestIo(), { stdoutBytes: (bytes: Uint8Array) => void chunks.push(bytes) });
      expect(runCli(['connectivity', ...seed, ...extra], io)).toBe(0);
      const expected = run(['connectivity', ...seed, ...extra]).out;
      expect(expected.split('\n').length).toBeGreaterThan(5);
      // csv is written as text; the line formats as bytes only.
      if (extra[1] === 'csv') expect([io.out, chunks.length]).toEqual([expected, 0]);
      else expect([io.out, Buffer.concat(chunks).toString('utf8')]).toEqual(['', expected]);
    }
  });
});

describe('palisade diff with --focus-workload and -n', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-diff-focus-'));
    // before: the article without its last policy (egress to 1.1.1.1:443); after: all five
    const text = readFileSync(join(REPO_ROOT, seed[0]), 'utf8');
    writeFileSync(join(dir, 'before.yaml'), text.split(/^---$/m).slice(0, -1).join('---'));
    writeFileSync(join(dir, 'after.yaml'), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the opened and closed flows touching the workload or namespace', () => {
    const diff = (...extra: string[]) => run(['diff', join(dir, 'before.yaml'), join(dir, 'after.yaml'), '--inventory', seed[1], ...extra]);
    expect(diff('--focus-workload', 'default/myapp').out).toContain('+ default/myapp[Deployment] => 1.1.1.1/32 : TCP 443\n');
    const other = diff('-n', 'kube-system');
    expect(other.code).toBe(0);
    expect(other.out).toContain('flows: no flow opened or closed\n');
    // Findings stay whole: they are about the policies, not the flows shown.
    expect(other.out).not.toMatch(/^[+-] /m);
    expect(other.out).toContain('EGRESS_TO_INTERNET_OPENED');
    expect(diff('--focus-workload', 'default/nothing').code).toBe(1);
  });
});

/** The cluster as one JSON List, as `kubectl get -o json` writes it. */
function clusterJson(spec: TierSpec): { json: string; flows: number; first: string } {
  const cluster = generateCluster(spec, 20261126, 'open');
  const items = [
    ...cluster.inventory.namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } })),
    ...cluster.inventory.pods.map((pod) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: pod.workload?.kind, name: pod.workload?.name, controller: true }] },
      spec: { containers: [{ name: 'main', image: 'example.com/app:1.0', ports: (pod.ports ?? []).map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) }] },
      status: { podIP: pod.ip },
    })),
    ...cluster.policies,
  ];
  const analysis = createAnalysis({ inventory: cluster.inventory, policies: cluster.policies });
  let flows = 0;
  let first = '';
  for (const flow of analysis.flows()) {
    if (flows++ === 0) first = formatFlow(flow);
  }
  return { json: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), flows, first };
}

/** Lines of a file and its first line, read as a stream. */
async function countLines(path: string): Promise<{ lines: number; first: string }> {
  let lines = 0;
  let first = '';
  let head = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
    if (lines === 0 && first === '') {
      head += chunk;
      const end = head.indexOf('\n');
      if (end >= 0) first = head.slice(0, end);
    }
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
  }
  return { lines, first };
}

describe('an open cluster under a 512 MB heap', () => {
  // 1,200 namespaces, one in six without any policy: more than a million workload flows, streamed
  // to the file as they are listed.
  const spec: TierSpec = { name: 'M', pods: 24_000, namespaces: 1_200, policies: 14_000, labelSets: 6_000 };
  let dir = '';
  let input = '';
  let expected: ReturnType<typeof clusterJson>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-open-'));
    input = join(dir, 'cluster.json');
    expected = clusterJson(spec);
    writeFileSync(input, expected.json);
  }, 120_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('palisade connectivity writes every flow to a file', async () => {
    const output = join(dir, 'flows.txt');
    const fd = openSync(output, 'w');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--max-old-space-size=512', join(REPO_ROOT, 'bin/palisade.cjs'), 'connectivity', input], { cwd: REPO_ROOT, stdio: ['ignore', fd, 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    closeSync(fd);
    expect(result).toEqual({ code: 0, stderr: '' });
    expect(expected.flows).toBeGreaterThan(1_000_000);
    expect(await countLines(output)).toEqual({ lines: expected.flows, first: expected.first });
  }, 600_000);

  it('through a pipe the reader leaves alone, the CLI waits instead of piling up output (-o jsonl: about 350 MB)', async () => {
    const child = spawn(process.execPath, ['--max-old-space-size=512', join(REPO_ROOT, 'bin/palisade.cjs'), 'connectivity', input, '-o', 'jsonl'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.pause();
    // Unread, the pipe fills and the CLI stops in its write: its CPU time stops moving. Queued in the
    // process (as through process.stdout), the output would be in its memory once it stops.
    // The CLI's process: on Node 20 bin/palisade.cjs runs it as its child (see bin/malloc-tunables.cjs).
    const cli = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]) || (child.pid as number);
    const stat = () => readFileSync(`/proc/${cli()}/stat`, 'utf8').split(') ')[1].split(' ');
    const cpu = () => Number(stat()[11]) + Number(stat()[12]);
    let last = -1;
    for (let still = 0; still < 5; await new Promise((r) => setTimeout(r, 200))) {
      const now = cpu();
      still = now === last ? still + 1 : 0;
      last = now;
    }
    const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${cli()}/status`, 'utf8'))?.[1]) / 1024;
    let bytes = 0;
    let lines = 0;
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stdout.resume();
    expect(await closed).toBe(0);
    expect(stderr).toBe('');
    expect(lines).toBe(expected.flows);
    expect(bytes).toBeGreaterThan(300e6);
    expect(rssMb).toBeLessThan(bytes / 1e6);
  }, 600_000);

  it('a reader that goes away (`| head`) ends the CLI with exit 0 and nothing on stderr', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/palisade.cjs'), 'connectivity', input], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first.split('\n')[0]).toBe(expected.first);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 600_000);
});
