import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

// `npm run -s admin:token -- --name NAME`: an admin token for an operator who lost theirs (the image runs
// the compiled tools/admin-token.ts, see compiled-image.e2e-spec.ts).
const root = join(__dirname, '..', '..');

function adminToken(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npm', ['run', '-s', 'admin:token', '--', ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run admin:token', () => {
  let t: TestApp;
  let sql: Client;
  const tokenEvents = async (): Promise<{ actor_name: string; actor_kind: string; after: Record<string, unknown> }[]> =>
    (await sql.query(`SELECT actor_name, actor_kind, after FROM audit_events WHERE action = 'token.created' ORDER BY seq`)).rows as never;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
  });
  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  it('issues an unscoped admin token that works against the API, prints only the secret on stdout, and audits it', async () => {
    const before = (await tokenEvents()).length;
    const result = adminToken(['--name', 'ops-alice'], { DATABASE_URL: t.db.appUrl });
    expect(result.status, result.stderr).toBe(0);
    const secret = result.stdout.trim();
    expect(secret).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toContain('admin-token: issued admin token pal_');
    expect(result.stderr).toContain('for principal "ops-alice", every cluster');
    expect(result.stderr).not.toContain(secret);

    const me = await t.as(secret).get('/api/v1/me').expect(200);
    expect(me.body).toMatchObject({ actor: { name: 'ops-alice', kind: 'human' }, roles: ['admin'], clusters: null });
    // An admin indeed: it may list the tokens.
    await t.as(secret).get('/api/v1/tokens').expect(200);

    const events = (await tokenEvents()).slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_name: 'admin-token', actor_kind: 'system', after: { principal: 'ops-alice', roles: ['admin'], clusters: null, existingPrincipal: false } });
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'principal.created' AND actor_name = 'admin-token'`);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('refuses bad arguments with exit 2 and the usage, storing nothing', async () => {
    const before = (await sql.query('SELECT count(*)::int AS n FROM api_tokens')).rows[0] as { n: number };
    for (const args of [[], ['--name', 'Bad Name!'], ['--name', 'ops', '--role', 'admin']]) {
      const result = adminToken(args, { DATABASE_URL: t.db.appUrl });
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('usage: admin-token --name NAME');
      expect(result.stdout).toBe('');
    }
    expect((await sql.query('SELECT count(*)::int AS n FROM api_tokens')).rows[0]).toEqual(before);
  });

  it('names the missing DATABASE_URL (exit 78) and refuses a bot principal of that name (exit 1)', async () => {
    const missing = adminToken(['--name', 'ops-bob'], {});
    expect(missing.status).toBe(78);
    expect(missing.stderr).toContain('admin-token: DATABASE_URL is required');

    await t.mintToken({ name: 'ci-bot', kind: 'bot', roles: ['proposer'] });
    const bot = adminToken(['--name', 'ci-bot'], { DATABASE_URL: t.db.appUrl });
    expect(bot.status).toBe(1);
    expect(bot.stderr).toContain('principal "ci-bot" exists and is not a human');
    expect(bot.stdout).toBe('');
  });
});
