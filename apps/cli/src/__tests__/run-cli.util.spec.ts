import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli } from '../run-cli.util';
import { newTestIo, REPO_ROOT, SEED } from './test-io';

const seed = [`${SEED}/article-policies.yaml`, `${SEED}/article-inventory.yaml`];

function run(...argv: string[]) {
  const io = newTestIo();
  const code = runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

describe(runCli.name, () => {
  describe('usage errors exit 2 with usage text', () => {
    it.each([
      [[], 'palisade: missing command'],
      [['frobnicate'], 'palisade: unknown command "frobnicate"'],
      [['connectivity'], 'palisade: at least one directory or file is required'],
      [['connectivity', SEED, '--format', 'svg'], '(got "svg")'],
      [['connectivity', SEED, '--colour'], "Unknown option '--colour'"],
      [['diff', SEED], 'expected <before> and <after>, got 1 argument(s)'],
      [['explain', ...seed, '--from', 'default/myapp', '--to', '1.1.1.1'], '--port is required'],
      [['explain', ...seed, '--from', 'default/myapp', '--to', '1.1.1.1', '--port', '443', '--protocol', 'ICMP'], '--protocol must be one of TCP, UDP, SCTP'],
      [['lint', SEED, '--fail-on', 'severe'], '--fail-on must be one of info, low, medium, high'],
      [['reach'], '--input is required'],
    ])('%j', (argv, message) => {
      const sut = run(...argv);
      expect(sut.code).toBe(2);
      expect(sut.err).toContain(message);
      expect(sut.err).toContain('usage: palisade');
      expect(sut.out).toBe('');
    });
  });

  it('prints help on --help and `help <command>`, exit 0', () => {
    expect(run('--help')).toMatchObject({ code: 0, out: expect.stringContaining('commands:') });
    expect(run('help', 'reach')).toMatchObject({ code: 0, out: expect.stringContaining('usage: palisade reach --input FILE') });
    expect(run('lint', '--help')).toMatchObject({ code: 0, out: expect.stringContaining('usage: palisade lint') });
  });

  it('connectivity prints the seed flows, including the one egress to 1.1.1.1', () => {
    const sut = run('connectivity', ...seed);
    expect(sut.code).toBe(0);
    expect(sut.out.split('\n')).toEqual(
      expect.arrayContaining([
        'default/myapp[Deployment] => kube-system/kube-dns[Deployment] : TCP 53; UDP 53',
        'ingress-nginx/ingress-nginx[Deployment] => default/myapp[Deployment] : All',
        'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443',
      ]),
    );
    expect(sut.out).not.toContain('default/nightly-report[CronJob] => 1.1.1.1');
  });

  describe('on what `kubectl get pods,replicasets,deployments -o json` prints (Deployment → ReplicaSet → 2 pods, plus an old ReplicaSet at 0)', () => {
    const kubectl = 'test/fixtures/kubectl/deployment-replicaset-pods.json';

    it('connectivity prints each flow once, naming only the Deployment', () => {
      expect(run('connectivity', kubectl)).toEqual({
        code: 0,
        out: [
          'default/myapp[Deployment] => default/myapp[Deployment] : All',
          '0.0.0.0/0 => default/myapp[Deployment] : All',
          '::/0 => default/myapp[Deployment] : All',
          'default/myapp[Deployment] => 0.0.0.0/0 : All',
          'default/myapp[Deployment] => ::/0 : All',
          '',
        ].join('\n'),
        err: '',
      });
      expect(run('connectivity', `${SEED}/article-policies.yaml`, kubectl)).toEqual({ code: 0, out: 'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443\n', err: '' });
    });

    it('explain takes the Deployment name for its first real pod', () => {
      const sut = run('explain', `${SEED}/article-policies.yaml`, kubectl, '--from', 'default/myapp', '--to', '1.1.1.1', '--port', '443');
      expect(sut.code).toBe(0);
      expect(sut.out).toContain('default/myapp-5d8f7c9b4-h7xkq -> 1.1.1.1 TCP 443: ALLOWED');
    });
  });

  it.each(['json', 'csv', 'dot'])('connectivity --format %s', (format) => {
    const sut = run('connectivity', ...seed, '--format', format);
    expect(sut.code).toBe(0);
    if (format === 'json') expect(JSON.parse(sut.out).flows.length).toBeGreaterThan(5);
    if (format === 'csv') expect(sut.out).toContain('default/myapp[Deployment],1.1.1.1/32,TCP,443,443');
    if (format === 'dot') expect(sut.out).toContain('"default/myapp[Deployment]" -> "1.1.1.1/32" [label="TCP 443"];');
  });

  it('rejects the mis-indented seed manifest naming file, document and line, exit 1', () => {
    const sut = run('connectivity', `${SEED}/article-broken-egress.yaml`);
    expect(sut.code).toBe(1);
    expect(sut.err).toContain('test/fixtures/seed/article-broken-egress.yaml: document 1 (line 13): YAML syntax error');
    expect(sut.err).not.toMatch(/\n\s+at /);
  });

  it('explain says why, accepting a workload name for its pod', () => {
    const allowed = run('explain', ...seed, '--from', 'default/myapp', '--to', '1.1.1.1', '--port', '443');
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain('default/myapp-0 -> 1.1.1.1 TCP 443: ALLOWED');
    expect(allowed.out).toContain('allowed by default/egress-access-myapp egress rule 0');
    const denied = run('explain', ...seed, '--from', 'default/myapp-0', '--to', 'kube-system/kube-dns-0', '--port', '9153', '--format', 'json');
    expect(denied.code).toBe(3);
    expect(JSON.parse(denied.out)).toMatchObject({ allowed: false, egress: { isolated: true, allowed: false }, ingress: { isolated: false } });
  });

  it('explain fails with exit 1 on an unknown pod', () => {
    const sut = run('explain', ...seed, '--from', 'default/nope', '--to', '1.1.1.1', '--port', '443');
    expect(sut).toMatchObject({ code: 1, err: 'palisade: pod default/nope is not in the inventory\n' });
  });

  it('lint reports errors and findings, exit 1 on an error', () => {
    const sut = run('lint', SEED);
    expect(sut.code).toBe(1);
    expect(sut.out).toContain('ERROR test/fixtures/seed/article-broken-egress.yaml: document 1 (line 13)');
    expect(sut.out).toContain('test/fixtures/seed/article-policies.yaml: document 5 (line 75): MEDIUM EGRESS_TO_INTERNET (spec.egress[0].to[0].ipBlock)');
    expect(sut.out).toContain('POLICY_SELECTS_NO_POD');
  });

  it('lint exits 0 on findings alone, 1 with --fail-on at their level', () => {
    expect(run('lint', ...seed).code).toBe(0);
    expect(run('lint', ...seed, '--fail-on', 'medium').code).toBe(1);
    expect(run('lint', ...seed, '--fail-on', 'high').code).toBe(0);
    const json = JSON.parse(run('lint', ...seed, '--format', 'json').out);
    expect(json).toMatchObject({ errors: [], maxSeverity: 'medium', counts: { medium: 1, low: 2 } });
  });

  describe('diff', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'palisade-diff-'));
      // before: the article without its last policy (egress to 1.1.1.1:443); after: all five
      const text = readFileSync(join(REPO_ROOT, seed[0]), 'utf8');
      writeFileSync(join(dir, 'before.yaml'), text.split(/^---$/m).slice(0, -1).join('---'));
      writeFileSync(join(dir, 'after.yaml'), text);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('prints flows opened and the findings of the change', () => {
      const sut = run('diff', join(dir, 'before.yaml'), join(dir, 'after.yaml'), '--inventory', seed[1]);
      expect(sut.code).toBe(0);
      expect(sut.out).toContain('policies: 1 added, 0 modified, 0 removed');
      expect(sut.out).toContain('+ default/myapp[Deployment] => 1.1.1.1/32 : TCP 443');
      expect(sut.out).toContain('HIGH EGRESS_TO_INTERNET_OPENED');
      expect(run('diff', join(dir, 'before.yaml'), join(dir, 'after.yaml'), '--inventory', seed[1], '--fail-on', 'high').code).toBe(1);
    });

    it('says when flows cannot be computed (no inventory), and is empty for identical sides', () => {
      expect(run('diff', join(dir, 'before.yaml'), join(dir, 'after.yaml')).out).toContain('flows: not computed');
      const same = JSON.parse(run('diff', join(dir, 'after.yaml'), join(dir, 'after.yaml'), '--inventory', seed[1], '--format', 'json').out);
      expect(same).toMatchObject({ findings: [], maxSeverity: 'none', connectivityUnchanged: true });
    });
  });

  describe('reach', () => {
    it('answers the seed scenario in query order', () => {
      const sut = run('reach', '--input', `${SEED}/article-reach.json`);
      expect(sut.code).toBe(0);
      expect(JSON.parse(sut.out).results.map((r: { allowed: boolean }) => r.allowed)).toEqual([true, false, true, true, false, true, false, false, false, true, false, false, false, true]);
    });

    it('names the query that refers to an unknown pod, exit 1', () => {
      const dir = mkdtempSync(join(tmpdir(), 'palisade-reach-'));
      try {
        writeFileSync(join(dir, 'q.json'), JSON.stringify({ pods: [{ namespace: 'a', name: 'x' }], queries: [{ from: 'a/x', to: '1.1.1.1', port: 1 }, { from: 'a/y', to: 'a/x', port: 1 }] }));
        const io = newTestIo(dir);
        expect(runCli(['reach', '--input', 'q.json'], io)).toBe(1);
        expect(io.err).toBe('palisade: q.json: 1 invalid query\nq.json: queries[1]: pod a/y is not in the inventory\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
