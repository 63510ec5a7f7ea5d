import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { EXIT_FAILURE, EXIT_USAGE } from '../cli.exception';
import { idempotencyKey } from '../commands/propose.command';
import { runCli } from '../run-cli.util';
import { newTestIo, SEED } from './test-io';

const ENV = { PALISADE_TOKEN: 'pal_unit-test-token', PALISADE_RETRY_DELAYS_MS: '0,0' };

async function run(argv: string[], env: Record<string, string | undefined> = ENV) {
  const io = newTestIo();
  io.env = env;
  const code = await runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('server commands (propose, proposals, review, merge)', () => {
  // Counts what reaches the network; every request is answered with a problem, as the API would.
  let server: Server;
  let url: string;
  let requests: string[];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(404, { 'Content-Type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'urn:palisade:problem:cluster-not-found', title: 'Cluster not found', status: 404, detail: 'no cluster "nope"', code: 'CLUSTER_NOT_FOUND' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  describe('usage errors exit 2 with usage text, and send nothing', () => {
    it.each([
      [['propose', SEED, '--cluster', 'c'], '--server is required'],
      [['propose', SEED, '--server', 'SERVER'], '--cluster is required'],
      [['propose', '--server', 'SERVER', '--cluster', 'c'], 'at least one directory or file is required'],
      [['propose', SEED, '--server', 'SERVER', '--cluster', 'c', '--token', 'pal_x'], '--token is not accepted: set the PALISADE_TOKEN environment variable'],
      [['propose', SEED, '--server', 'ftp://x', '--cluster', 'c'], '--server must be an http or https URL'],
      [['propose', SEED, '--server', 'SERVER', '--cluster', 'c', '--wait', 'soon'], '--wait must be a whole number from 0 to 86400'],
      [['propose', SEED, '--server', 'SERVER', '--cluster', 'c', '--fail-on', 'severe'], '--fail-on must be one of info, low, medium, high'],
      [['propose', SEED, '--server', 'SERVER', '--cluster', 'c', '-o', 'html'], '--output must be one of text, md, json'],
      [['propose', SEED, '--server', 'SERVER', '--cluster', 'c', '--base-version', 'tip'], '--base-version must be a version number or head'],
      [['proposals', 'list', '--server', 'SERVER'], 'unknown subcommand "list" (get)'],
      [['proposals', 'get', '--server', 'SERVER'], 'expected one proposal id, got 0 argument(s)'],
      [['review', 'p1', '--server', 'SERVER'], 'give --approve, --request-changes or --comment TEXT'],
      [['review', 'p1', '--server', 'SERVER', '--approve', '--request-changes'], 'give --approve or --request-changes, not both'],
      [['merge', '--server', 'SERVER'], 'expected one proposal id, got 0 argument(s)'],
    ])('%j', async (argv, message) => {
      const sut = await run(argv.map((a) => a.replace('SERVER', url)));
      expect(sut.code).toBe(EXIT_USAGE);
      expect(sut.err).toContain(`palisade: ${message}`);
      expect(sut.err).toContain('usage: palisade');
      expect(sut.out).toBe('');
      expect(requests).toEqual([]);
    });
  });

  it('a missing PALISADE_TOKEN is a usage error naming it', async () => {
    const sut = await run(['merge', 'p1', '--server', url], {});
    expect(sut.code).toBe(EXIT_USAGE);
    expect(sut.err).toContain('palisade: PALISADE_TOKEN is not set');
    expect(requests).toEqual([]);
  });

  it('invalid input exits 1 with located errors, and nothing is sent', async () => {
    const sut = await run(['propose', `${SEED}/article-broken-egress.yaml`, '--server', url, '--cluster', 'c']);
    expect(sut.code).toBe(EXIT_FAILURE);
    expect(sut.err).toContain('palisade: invalid input: 1 error\ntest/fixtures/seed/article-broken-egress.yaml: document 1 (line 13): YAML syntax error');
    expect(sut.out).toBe('');
    expect(requests).toEqual([]);
  });

  it('input without a NetworkPolicy exits 1: an empty desired set is never sent', async () => {
    const sut = await run(['propose', `${SEED}/article-inventory.yaml`, '--server', url, '--cluster', 'c']);
    expect(sut.code).toBe(EXIT_FAILURE);
    expect(sut.err).toContain('palisade: no NetworkPolicy in test/fixtures/seed/article-inventory.yaml');
    expect(requests).toEqual([]);
  });

  it('prints a problem as title, detail and code, with the bearer token from PALISADE_TOKEN', async () => {
    const sut = await run(['proposals', 'get', 'p1', '--server', `${url}/`]);
    expect(sut).toEqual({ code: EXIT_FAILURE, out: '', err: 'palisade: Cluster not found: no cluster "nope" (CLUSTER_NOT_FOUND)\n' });
    expect(requests).toEqual(['GET /api/v1/proposals/p1 Bearer pal_unit-test-token']);
  });

  it('a server that cannot be reached is retried, then exit 1 without a stack trace', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sut = await run(['merge', 'p1', '--server', `http://127.0.0.1:${port}`]);
    expect(sut).toEqual({ code: EXIT_FAILURE, out: '', err: `palisade: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n` });
  });

  it('derives the Idempotency-Key from cluster, source URL and commit', () => {
    const key = idempotencyKey('prod', 'https://git.example/pr/7', 'abc123', '[]');
    expect(key).toMatch(/^palisade-propose-[0-9a-f]{64}$/);
    expect(idempotencyKey('prod', 'https://git.example/pr/7', 'abc123', '[{"other":"set"}]')).toBe(key); // a retried job
    expect(idempotencyKey('prod', 'https://git.example/pr/7', 'def456', '[]')).not.toBe(key); // a new commit
    expect(idempotencyKey('stage', 'https://git.example/pr/7', 'abc123', '[]')).not.toBe(key);
    // Without source URL and commit the desired set identifies the submission.
    expect(idempotencyKey('prod', undefined, undefined, '[1]')).not.toBe(idempotencyKey('prod', undefined, undefined, '[2]'));
  });
});
