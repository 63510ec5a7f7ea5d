import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT, SEED } from './test-io';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/palisade.cjs …` from the repository root, as a user or CI job would. */
function palisade(...args: string[]): Promise<Run> {
  return run(process.execPath, [join(REPO_ROOT, 'bin/palisade.cjs'), ...args]);
}

/** Runs a command from the repository root, capturing its exit code and output; `stdin` is piped in. */
function run(command: string, args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'pipe' });
    child.stdin.end(stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The block after "```text" in the README's "palisade CLI" section: the documented output. */
function readmeConnectivityOutput(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## palisade CLI'));
  const start = section.indexOf('```text\n') + '```text\n'.length;
  return section.slice(start, section.indexOf('```', start));
}

// Each run compiles the CLI with SWC on start-up: allow for a busy two-core machine.
describe('bin/palisade.cjs', { timeout: 180_000 }, () => {
  it.concurrent('reach answers the seed article scenario, in query order', async () => {
    const sut = await palisade('reach', '--input', `${SEED}/article-reach.json`);
    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    const input = JSON.parse(readFileSync(join(REPO_ROOT, SEED, 'article-reach.json'), 'utf8')) as { queries: { from: string; to: string; port: number; protocol: string }[] };
    const { results } = JSON.parse(sut.stdout) as { results: { from: string; to: string; port: number; protocol: string; allowed: boolean }[] };
    expect(results.map(({ from, to, port, protocol }) => ({ from, to, port, protocol }))).toEqual(input.queries);
    expect(results.map((r) => `${r.from} -> ${r.to} ${r.protocol}/${r.port}: ${r.allowed}`)).toEqual([
      'ingress-nginx/ingress-nginx-0 -> default/myapp-0 TCP/8080: true', // ingress-to-backends admits the controller
      'default/nightly-report-0 -> default/myapp-0 TCP/8080: false', // default deny, both sides
      'default/myapp-0 -> kube-system/kube-dns-0 UDP/53: true', // DNS allowed by deny-egress-allow-dns
      'default/myapp-0 -> kube-system/kube-dns-1 TCP/53: true',
      'default/myapp-0 -> kube-system/kube-dns-0 TCP/9153: false', // only port 53 to kube-dns
      'default/myapp-0 -> 1.1.1.1 TCP/443: true', // egress-access-myapp
      'default/myapp-0 -> 1.1.1.1 TCP/80: false',
      'default/myapp-0 -> 8.8.8.8 TCP/443: false',
      'default/nightly-report-0 -> 1.1.1.1 TCP/443: false', // only app=myapp may leave
      '192.168.1.10 -> ingress-nginx/ingress-nginx-0 TCP/443: true', // ingress-nginx namespace is not isolated
      '203.0.113.5 -> default/myapp-0 TCP/8080: false',
      'kube-system/kube-dns-0 -> default/myapp-0 TCP/8080: false', // kube-system is not labelled ingress=true
      'default/myapp-0 -> default/myapp-1 TCP/8080: false',
      'default/myapp-0 -> default/myapp-0 TCP/8080: true', // a pod may always reach itself
    ]);
  });

  it.concurrent('connectivity on the seed manifests prints exactly what the README shows', async () => {
    const sut = await palisade('connectivity', `${SEED}/article-policies.yaml`, `${SEED}/article-inventory.yaml`);
    expect(sut).toMatchObject({ code: 0, stderr: '' });
    expect(sut.stdout).toBe(readmeConnectivityOutput());
  });

  it.concurrent('bad input: file, document and line, exit 1, no stack trace', async () => {
    const sut = await palisade('lint', `${SEED}/article-broken-egress.yaml`);
    expect(sut.code).toBe(1);
    expect(sut.stdout).toContain('ERROR test/fixtures/seed/article-broken-egress.yaml: document 1 (line 13): YAML syntax error');
    const missing = await palisade('connectivity', 'no/such/dir');
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'palisade: cannot read no/such/dir: no such file or directory\n' });
  });

  it.concurrent('usage error: exit 2 with usage text', async () => {
    const sut = await palisade('explain', SEED, '--port', 'https');
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('--from is required');
    expect(sut.stderr).toContain('usage: palisade explain');
    expect(sut.stderr).not.toMatch(/\n\s+at /);
  });

  it.concurrent('reads standard input for -, as `kubectl get -o yaml | palisade connectivity -f - -f …` would', async () => {
    const policies = readFileSync(join(REPO_ROOT, SEED, 'article-policies.yaml'), 'utf8');
    const sut = await run(process.execPath, [join(REPO_ROOT, 'bin/palisade.cjs'), 'connectivity', '-f', '-', '-f', `${SEED}/article-inventory.yaml`], policies);
    expect(sut).toMatchObject({ code: 0, stderr: '' });
    expect(sut.stdout).toBe(readmeConnectivityOutput());
  });

  it.concurrent('--version prints the version; explain exits 3 for a denied connection', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await palisade('--version')).toEqual({ code: 0, stdout: `palisade ${version}\n`, stderr: '' });
    const denied = await palisade('explain', `${SEED}/article-policies.yaml`, `${SEED}/article-inventory.yaml`, '--from', 'default/myapp', '--to', '8.8.8.8', '--port', '443');
    expect(denied.code).toBe(3);
    expect(denied.stdout).toContain('DENIED');
  });

  it.concurrent('runs through npm as `npm run -s palisade -- <command>`', async () => {
    const sut = await run('npm', ['run', '-s', 'palisade', '--', 'lint', `${SEED}/article-policies.yaml`]);
    expect(sut.code).toBe(0);
    expect(sut.stdout).toContain('1 file, 5 policies: 0 errors, 2 findings (max severity medium)');
  });
});
