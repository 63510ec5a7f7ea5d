import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type MintedToken, type TestApp } from '../support/test-app';

const REPO_ROOT = join(__dirname, '..', '..');
const POLICIES = 'examples/gitops/policies';
const PR = 'https://git.example.com/network/pull/7';
const MYAPP_EGRESS = '+ default/myapp[Deployment] => 1.1.1.1/32 : TCP 443';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/palisade.cjs …` from the repository root as a CI job would, with PALISADE_TOKEN. */
function palisade(token: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/palisade.cjs'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, PALISADE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An HTTP proxy to the API that answers the first `failures` requests 503 itself, then forwards. */
async function flakyProxy(upstream: string, failures: number): Promise<{ url: string; log: number[]; close: () => Promise<void> }> {
  const log: number[] = [];
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    if (log.length < failures) {
      log.push(503);
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('down for a moment');
      return;
    }
    const forwarded = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      log.push(answer.statusCode ?? 0);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, log, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// Each run compiles the CLI with SWC on start-up: allow for a busy two-core machine.
describe('palisade propose, proposals get, review and merge against the API', { timeout: 180_000 }, () => {
  let t: TestApp;
  let sql: Client;
  let server: string;
  let bot: MintedToken;
  let alice: MintedToken;
  let work: string;
  /** The example policies without egress-access-myapp: the pull request's first commit. */
  let firstCommitDir: string;

  const proposalRows = async (cluster: string): Promise<{ id: string; revision: number }[]> =>
    (await sql.query('SELECT p.id, p.revision FROM proposals p JOIN clusters c ON c.id = p.cluster_id WHERE c.name = $1', [cluster])).rows as { id: string; revision: number }[];

  /** What `-o md` must print: the server's report of the proposal, then the link to it. */
  async function expectedMarkdown(id: string): Promise<string> {
    const report = await t.http.get(`/api/v1/proposals/${id}/analysis`).set('Accept', 'text/markdown').expect(200);
    expect(report.headers['content-type']).toMatch(/^text\/markdown/);
    return `${report.text.trimEnd()}\n\n[Proposal \`${id}\` in Palisade](${server}/api/v1/proposals/${id})\n`;
  }

  async function cluster(name: string, inventory: boolean): Promise<void> {
    // As examples/gitops/README.md does it: version 1 denies everything in default.
    const defaultDeny = readFileSync(join(REPO_ROOT, POLICIES, 'default/default-deny-all.yaml'), 'utf8');
    await t.http.post('/api/v1/clusters').send({ name, labels: {} }).expect(201);
    await t.http.post(`/api/v1/clusters/${name}/versions/import`).set('Content-Type', 'application/yaml').send(defaultDeny).expect(201);
    if (inventory) {
      const yaml = readFileSync(join(REPO_ROOT, 'test/fixtures/seed/article-inventory.yaml'), 'utf8');
      await t.http.put(`/api/v1/clusters/${name}/inventory`).set('Content-Type', 'application/yaml').send(yaml).expect(201);
    }
  }

  beforeAll(async () => {
    // No periodic re-analysis: a PENDING analysis set below stays PENDING.
    t = await createTestApp({ ANALYSIS_RECONCILE_MS: '0' });
    await t.app.listen(0, '127.0.0.1');
    server = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    sql = await connectTo(t.db.url);
    bot = await t.mintToken({ name: 'gitops-bot', kind: 'bot', roles: ['proposer'] });
    alice = await t.mintToken({ name: 'alice', roles: ['approver'] });
    await cluster('demo', true);
    work = mkdtempSync(join(tmpdir(), 'palisade-propose-'));
    firstCommitDir = join(work, 'policies');
    cpSync(join(REPO_ROOT, POLICIES), firstCommitDir, { recursive: true });
    rmSync(join(firstCommitDir, 'default/egress-access-myapp.yaml'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await sql.end();
    await t.close();
  });

  it('opens one proposal per pull request, prints its Markdown analysis, updates it on a new commit and gates on --fail-on', async () => {
    const propose = (dir: string, commit: string, ...more: string[]) =>
      palisade(bot.token, 'propose', dir, '--server', server, '--cluster', 'demo', '--source-url', PR, '--commit', commit, '--fail-on', 'high', '-o', 'md', ...more);

    // First commit: DNS and ingress only; nothing reaches high.
    const first = await propose(firstCommitDir, 'c0ffee1');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [row] = await proposalRows('demo');
    expect(row).toMatchObject({ revision: 1 });
    const id = row?.id as string;
    expect(first.stdout).toBe(await expectedMarkdown(id));
    expect(first.stdout).toContain(`## Palisade analysis: Network policies from ${PR}`);
    expect(first.stdout).toContain('+ default/myapp[Deployment] => kube-system/kube-dns[Deployment] : TCP 53; UDP 53');

    // The same job again (a retry): the same proposal, no new revision, the same output.
    const again = await propose(firstCommitDir, 'c0ffee1');
    expect(again).toEqual(first);
    expect(await proposalRows('demo')).toEqual([{ id, revision: 1 }]);

    // A new commit on the pull request opens egress to the internet: revision 2 of the same proposal, exit 4.
    const second = await propose(POLICIES, 'beef002');
    expect(second.code).toBe(4);
    expect(second.stderr).toBe(`palisade: the analysis of proposal ${id} has a high finding (--fail-on high)\n`);
    expect(await proposalRows('demo')).toEqual([{ id, revision: 2 }]);
    expect(second.stdout).toBe(await expectedMarkdown(id));
    expect(second.stdout).toContain('revision 2 against version 1');
    expect(second.stdout).toContain('`EGRESS_TO_INTERNET_OPENED`');
    expect(second.stdout).toContain(MYAPP_EGRESS);

    // Without --fail-on the same analysis passes; text output names findings, flows and approvals.
    const text = await palisade(bot.token, 'propose', POLICIES, '--server', server, '--cluster', 'demo', '--source-url', PR, '--commit', 'beef002');
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 3)).toEqual([`Proposal ${id} on cluster demo, revision 2 against version 1: OPEN`, `  Network policies from ${PR}`, `  ${server}/api/v1/proposals/${id}`]);
    expect(text.stdout).toContain('[high] EGRESS_TO_INTERNET_OPENED: ');
    expect(text.stdout).toContain('Opened flows (4):\n');
    expect(text.stdout).toContain(`\n  ${MYAPP_EGRESS}\n`);
    expect(text.stdout).toContain('Approvals: needs 1; has 0');

    // -o json and `proposals get` print the API's proposal view.
    const json = await palisade(bot.token, 'proposals', 'get', id, '--server', server, '-o', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual((await t.http.get(`/api/v1/proposals/${id}`).expect(200)).body);
  });

  it('exits 5 when the analysis is not ready within --wait', async () => {
    const [row] = await proposalRows('demo');
    const id = row?.id as string;
    // Stall the analysis: the same set again changes nothing, so nothing re-runs it.
    await sql.query(`UPDATE proposal_analyses SET status = 'PENDING' WHERE proposal_id = $1`, [id]);
    try {
      const sut = await palisade(bot.token, 'propose', POLICIES, '--server', server, '--cluster', 'demo', '--source-url', PR, '--commit', 'beef002', '--wait', '1', '-o', 'md');
      expect(sut.code).toBe(5);
      expect(sut.stderr).toBe(`palisade: the analysis of proposal ${id} is not ready after 1 s (a longer --wait, or \`palisade proposals get ${id}\` later)\n`);
      expect(sut.stdout).toContain('The analysis is still running.');
    } finally {
      await sql.query(`UPDATE proposal_analyses SET status = 'READY' WHERE proposal_id = $1`, [id]);
    }
  });

  it('retries a 503, keeps one proposal per commit through the Idempotency-Key, and reviews and merges', async () => {
    await cluster('stage', false);
    const proxy = await flakyProxy(server, 1);
    try {
      const first = await palisade(bot.token, 'propose', POLICIES, '--server', proxy.url, '--cluster', 'stage', '--commit', 'beef002', '-o', 'json');
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(proxy.log.slice(0, 2)).toEqual([503, 201]);
      const id = (JSON.parse(first.stdout) as { id: string }).id;
      // No source URL, so no lookup: the second run is a POST again, answered with the first proposal.
      const again = await palisade(bot.token, 'propose', POLICIES, '--server', server, '--cluster', 'stage', '--commit', 'beef002', '-o', 'json');
      expect(again.code).toBe(0);
      expect((JSON.parse(again.stdout) as { id: string }).id).toBe(id);
      expect(await proposalRows('stage')).toEqual([{ id, revision: 1 }]);

      const selfApproval = await palisade(bot.token, 'review', id, '--server', server, '--approve');
      expect(selfApproval.code).toBe(1);
      expect(selfApproval.stderr).toMatch(/^palisade: .+ \(FORBIDDEN\)\n$/);
      const review = await palisade(alice.token, 'review', id, '--server', server, '--approve', '--comment', 'ok for stage');
      expect(review.stderr).toBe('');
      expect(review.stdout).toContain(`Proposal ${id} on cluster stage, revision 1 against version 1: APPROVED`);
      const merge = await palisade(alice.token, 'merge', id, '--server', server);
      expect(merge).toEqual({ code: 0, stdout: `Proposal ${id} MERGED into cluster stage as version 2\n`, stderr: '' });
    } finally {
      await proxy.close();
    }
  });

  it('prints problem+json errors as title, detail and code, exit 1', async () => {
    const sut = await palisade(bot.token, 'propose', POLICIES, '--server', server, '--cluster', 'nowhere', '--source-url', PR);
    expect(sut).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^palisade: Cluster not found: .*nowhere.* \(CLUSTER_NOT_FOUND\)\n$/) });
    const unknown = await palisade(bot.token, 'proposals', 'get', '00000000-0000-4000-8000-000000000000', '--server', server);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^palisade: .+ \(PROPOSAL_NOT_FOUND\)\n$/) });
  });

  it('lists proposals by source URL, over REST and GraphQL', async () => {
    const [row] = await proposalRows('demo');
    const rest = await t.http.get(`/api/v1/clusters/demo/proposals?sourceUrl=${encodeURIComponent(PR)}`).expect(200);
    expect((rest.body as { items: { id: string; source: { url: string } }[] }).items.map((p) => [p.id, p.source.url])).toEqual([[row?.id, PR]]);
    expect((await t.http.get(`/api/v1/clusters/demo/proposals?sourceUrl=${encodeURIComponent(`${PR}0`)}`).expect(200)).body).toEqual({ items: [], nextCursor: null });
    const query = 'query($url: String) { proposals(cluster: "demo", sourceUrl: $url) { items { id } } }';
    expect((await t.gql(query, { url: PR })).data).toEqual({ proposals: { items: [{ id: row?.id }] } });
    expect((await t.gql(query, { url: 'https://elsewhere.example/pr/1' })).data).toEqual({ proposals: { items: [] } });
  });
});
