import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { inject } from 'vitest';

import { withDatabase } from '../../libs/persistence/src';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src';
import { TEST_SECRET_KEY } from '../support/test-app';

const root = join(__dirname, '..', '..');

function boot(entry: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, entry)], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', SWC_NODE_PROJECT: join(root, 'tsconfig.json'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('starting the API and the worker directly', () => {
  it.each([
    ['apps/api/src/main.ts', 'palisade-api'],
    ['apps/sync-worker/src/main.ts', 'palisade-sync-worker'],
  ])('%s with an unreachable database prints one clear line and exits 69', (entry, name) => {
    const { status, stderr } = boot(entry, { DATABASE_URL: 'postgresql://palisade:hunter2@127.0.0.1:1/palisade', PALISADE_SECRET_KEY: TEST_SECRET_KEY });
    expect(status).toBe(69);
    expect(stderr).toBe(`${name}: cannot use the database at 127.0.0.1:1/palisade: connection refused (is PostgreSQL running there?); check DATABASE_URL\n`);
  });

  it('names a database that does not exist, in one line, without the password', () => {
    const url = new URL(withDatabase(inject('databaseServerUrl'), 'no_such_palisade_db'));
    url.password = 'hunter2';
    const { status, stderr } = boot('apps/api/src/main.ts', { DATABASE_URL: url.toString(), PALISADE_SECRET_KEY: TEST_SECRET_KEY });
    expect(status).toBe(69);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`palisade-api: cannot use the database at ${url.hostname}:${url.port || '5432'}/no_such_palisade_db:`);
    expect(stderr).not.toContain('hunter2');
  });

  it('names an invalid variable once, though it fails several checks', () => {
    const { status, stderr } = boot('apps/api/src/main.ts', { DATABASE_URL: 'postgresql://localhost/x', PORT: 'abc' });
    expect(status).toBe(78);
    expect(stderr.match(/PORT must be an integer/g)).toHaveLength(1);
  });

  describe('with a database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('npm start (the launcher) with PORT=abc names the variable once and exits non-zero without saying ready', () => {
      const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/start.ts')], {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', SWC_NODE_PROJECT: join(root, 'tsconfig.json'), DATABASE_URL: db.url, PALISADE_SECRET_KEY: TEST_SECRET_KEY, PORT: 'abc', WORKER_HEALTH_PORT: '0' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output.match(/PORT must be an integer/g)).toHaveLength(1);
      expect(output).not.toContain('palisade: ready');
    });

    it('binds HOST and logs the address it bound, as JSON lines when LOG_FORMAT=json', async () => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/api/src/main.ts')], {
        cwd: root,
        env: {
          PATH: process.env['PATH'] ?? '',
          SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
          DATABASE_URL: db.appUrl,
          PALISADE_SECRET_KEY: TEST_SECRET_KEY,
          HOST: '127.0.0.2',
          PORT: '0',
          LOG_FORMAT: 'json',
          ANALYSIS_RECONCILE_MS: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      try {
        const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening: ${stdout}`)));
          child.stdout.on('data', () => {
            const line = stdout.split('\n').find((l) => l.includes('"listening on'));
            if (line) resolve(JSON.parse(line) as Record<string, unknown>);
          });
        });
        expect(listening).toMatchObject({ service: 'api', context: 'Api', host: '127.0.0.2', msg: `listening on http://127.0.0.2:${listening['port']}` });
        const port = listening['port'] as number;
        expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
        await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
        // Every line written so far is JSON, Nest's own start-up messages included.
        const lines = stdout.split('\n').filter(Boolean);
        expect(lines.length).toBeGreaterThan(5);
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    });
  });
});
