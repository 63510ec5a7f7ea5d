import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function boot(entry: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, entry)], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('configuration is validated once at boot', () => {
  it.each([
    ['apps/api/src/main.ts', {}, 'DATABASE_URL'],
    ['apps/api/src/main.ts', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgresql:// URL'],
    ['apps/api/src/main.ts', { DATABASE_URL: 'postgresql://localhost/x', PORT: 'eighty' }, 'PORT must be an integer'],
    ['apps/api/src/main.ts', { DATABASE_URL: 'postgresql://localhost/x', LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    ['apps/sync-worker/src/main.ts', {}, 'DATABASE_URL'],
    ['apps/sync-worker/src/main.ts', { DATABASE_URL: 'postgresql://localhost/x', WORKER_HEALTH_PORT: '-1' }, 'WORKER_HEALTH_PORT'],
  ])('%s with %j stops with exit code 78 naming the variable', (entry, env, expected) => {
    const { status, stderr } = boot(entry, env);
    expect(status).toBe(78);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toContain(expected);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
