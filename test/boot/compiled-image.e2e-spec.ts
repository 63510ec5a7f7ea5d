import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Client } from 'pg';
import { parseAllDocuments } from 'yaml';

import { connectTo, createTestDatabase, TEST_APP_DB_ROLE, type TestDatabase } from '../../libs/testing/src';
import { freePort } from '../../tools/embedded-postgres';
import { TEST_SECRET_KEY } from '../support/test-app';

// What the image runs (Dockerfile): the build's JavaScript under dist/, started with plain `node`, no
// TypeScript hook. Builds once, then boots the compiled API against a test database.
const root = join(__dirname, '..', '..');
const fixture = (name: string): string => readFileSync(join(root, 'test', 'fixtures', 'seed', name), 'utf8');
const policies = parseAllDocuments(fixture('article-policies.yaml')).map((doc) => {
  const policy = doc.toJS() as { metadata: { name: string; namespace?: string } };
  return { ...policy, metadata: { ...policy.metadata, namespace: policy.metadata.namespace ?? 'default' } };
});

/** `node dist/...` with only the variables given (and PATH), as a container would run it. */
function node(file: string, args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'dist', file), ...args], { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the compiled build (what the image runs)', () => {
  let db: TestDatabase;
  let sql: Client;
  let api: ChildProcess | undefined;
  let base: string;
  let apiOutput = '';

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
    expect(build.status, build.stderr).toBe(0);
    db = await createTestDatabase();
    sql = await connectTo(db.url);
  });
  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((resolve) => api?.once('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
    await sql?.end();
    await db?.drop();
  });

  it('node dist/tools/db-migrate.js migrates as the owner and grants the application role', () => {
    const result = node('tools/db-migrate.js', [], { MIGRATION_DATABASE_URL: db.url, PALISADE_APP_DB_ROLE: TEST_APP_DB_ROLE });
    expect(result.status, result.stderr).toBe(0);
    // The template is migrated already: the compiled runner found prisma/migrations and every checksum matched.
    expect(result.stdout).toContain('database is up to date');
    expect(result.stdout).toContain(`granted the application's role ${TEST_APP_DB_ROLE}`);
  });

  it('node dist/tools/admin-token.js refuses bad arguments with exit 2 and the usage', () => {
    for (const args of [['--nme', 'ops'], ['--name', 'Not A Name']]) {
      const result = node('tools/admin-token.js', args, { DATABASE_URL: db.appUrl });
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain('usage: admin-token --name NAME');
      expect(result.stdout).toBe('');
    }
  });

  it('node dist/api/main.js serves, the admin token issued by the compiled tool works, a proposal is analysed on the prebuilt thread bundles', async () => {
    const issued = node('tools/admin-token.js', ['--name', 'ops-admin'], { DATABASE_URL: db.appUrl });
    expect(issued.status, issued.stderr).toBe(0);
    const adminToken = issued.stdout.trim();
    expect(adminToken).toMatch(/^pal_\S+$/);

    api = spawn(process.execPath, [join(root, 'dist', 'api', 'main.js')], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: db.appUrl, PALISADE_SECRET_KEY: TEST_SECRET_KEY, LOG_FORMAT: 'json', RATE_LIMIT_PER_MINUTE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = api;
    child.stderr?.on('data', (chunk: Buffer) => (apiOutput += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the compiled API exited (${code}) before listening: ${apiOutput}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        apiOutput += chunk.toString();
        const line = apiOutput.split('\n').find((l) => l.includes('"listening on'));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
    });
    base = `http://127.0.0.1:${port}`;
    for (;;) {
      const ready = await fetch(`${base}/readyz`);
      if (ready.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const call = async (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const me = await call(adminToken, 'GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ actor: { name: 'ops-admin' }, roles: ['admin'], clusters: null });
    const [event] = (await sql.query(`SELECT actor_name, actor_kind, after FROM audit_events WHERE action = 'token.created' AND after->>'principal' = 'ops-admin'`)).rows as {
      actor_name: string;
      actor_kind: string;
      after: Record<string, unknown>;
    }[];
    expect(event).toMatchObject({ actor_name: 'admin-token', actor_kind: 'system', after: { roles: ['admin'], clusters: null } });

    const bot = await call(adminToken, 'POST', '/api/v1/tokens', { name: 'gitops-bot', kind: 'bot', roles: ['proposer'] });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    const botToken = bot.body['secret'] as string;
    expect((await call(adminToken, 'POST', '/api/v1/clusters', { name: 'shop', labels: {} })).status).toBe(201);
    const imported = await call(adminToken, 'POST', '/api/v1/clusters/shop/versions/import', { policies: policies.slice(0, 1) });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const proposal = await call(botToken, 'POST', '/api/v1/clusters/shop/proposals', { title: 'article policies', policies }, { Prefer: 'wait=30' });
    expect(proposal.status, JSON.stringify(proposal.body)).toBe(201);
    const analysis = proposal.body['analysis'] as { status: string; hash: string | null; inventory: unknown; summary: { flowsOpened: number; connectivityChange: boolean | null } | null };
    expect(analysis.status, apiOutput).toBe('READY');
    expect(analysis.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(analysis.inventory).toBeNull();
    expect(analysis.summary).toMatchObject({ flowsOpened: 0, connectivityChange: null });
  });

  it('node dist/sync-worker/main.js starts and answers /readyz (database reachable, leases renewing)', async () => {
    const port = await freePort();
    const worker = spawn(process.execPath, [join(root, 'dist', 'sync-worker', 'main.js')], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', WORKER_HEALTH_PORT: String(port), DATABASE_URL: db.appUrl, PALISADE_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      for (;;) {
        if (worker.exitCode !== null) throw new Error(`the compiled worker exited (${worker.exitCode}): ${output}`);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        if (ready?.status === 200) {
          expect(await ready.json()).toMatchObject({ status: 'ok', database: 'ok', leases: 'renewing' });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
  });

  it('node dist/cli/main.js --version prints the package version', () => {
    const result = node('cli/main.js', ['--version'], {});
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toContain((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
