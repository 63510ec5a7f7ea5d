import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { connectTo, createTestDatabase, type TestDatabase } from '../../libs/testing/src';

import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readMigrations } from '../../libs/persistence/src/lib/migrations/migration-runner';

const PRINCIPAL_OWNERS = '20261205020000_added_principal_owners';

/** A copy of the migrations up to and including `last`. */
function migrationsUpTo(last: string, inclusive: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const { name } of readMigrations()) {
    if (name < last || (inclusive && name === last)) cpSync(join(DEFAULT_MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
  }
  return dir;
}

describe(PRINCIPAL_OWNERS, () => {
  let db: TestDatabase;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const admin = await connectTo(db.url);
    await admin.query(`CREATE DATABASE ${db.name}_owners`);
    await admin.end();
    const target = new URL(db.url);
    target.pathname = `/${db.name}_owners`;
    url = target.toString();
  });
  afterAll(async () => {
    const admin = await connectTo(db.url);
    await admin.query(`DROP DATABASE IF EXISTS ${db.name}_owners WITH (FORCE)`);
    await admin.end();
    await db.drop();
  });

  it("backfills each existing principal's creator and scope from its first token", async () => {
    await applyMigrations(url, migrationsUpTo(PRINCIPAL_OWNERS, false));
    const sql = await connectTo(url);
    try {
      const principal = async (name: string, kind = 'HUMAN'): Promise<string> =>
        (await sql.query(`INSERT INTO principals (name, kind, updated_at) VALUES ($1, $2, now()) RETURNING id`, [name, kind])).rows[0].id as string;
      const token = async (principalId: string, createdBy: string | null, clusters: string[] | null, createdAt: string): Promise<void> => {
        await sql.query(
          `INSERT INTO api_tokens (principal_id, created_by_id, all_clusters, clusters, roles, groups, prefix, secret_hash, created_at, updated_at)
           VALUES ($1, $2, $3, $4, '{PROPOSER}', '{}', 'pal_xxxxxx', gen_random_uuid()::text, $5, now())`,
          [principalId, createdBy, clusters === null, clusters ?? [], createdAt],
        );
      };
      const bootstrap = await principal('bootstrap-admin');
      await token(bootstrap, null, null, '2026-01-01T00:00:00Z');
      const alphaAdmin = await principal('alpha-admin');
      await token(alphaAdmin, bootstrap, ['alpha'], '2026-01-02T00:00:00Z');
      // Created by the scoped admin first; a later unscoped token does not change who created it.
      const alphaCi = await principal('alpha-ci', 'BOT');
      await token(alphaCi, bootstrap, null, '2026-01-04T00:00:00Z');
      await token(alphaCi, alphaAdmin, ['alpha', 'beta'], '2026-01-03T00:00:00Z');
      // A creator id that names no principal (a system actor) leaves the creator unknown.
      const legacy = await principal('legacy-bot', 'BOT');
      await token(legacy, 'system', ['gamma'], '2026-01-05T00:00:00Z');

      expect(await applyMigrations(url, migrationsUpTo(PRINCIPAL_OWNERS, true))).toEqual([PRINCIPAL_OWNERS]);

      const { rows } = await sql.query('SELECT name, all_clusters, clusters, created_by_id FROM principals ORDER BY name');
      expect(rows).toEqual([
        { name: 'alpha-admin', all_clusters: false, clusters: ['alpha'], created_by_id: bootstrap },
        { name: 'alpha-ci', all_clusters: false, clusters: ['alpha', 'beta'], created_by_id: alphaAdmin },
        { name: 'bootstrap-admin', all_clusters: true, clusters: [], created_by_id: null },
        { name: 'legacy-bot', all_clusters: false, clusters: ['gamma'], created_by_id: null },
      ]);
      await expect(sql.query(`UPDATE principals SET created_by_id = gen_random_uuid() WHERE name = 'legacy-bot'`)).rejects.toThrow(/foreign key/);
    } finally {
      await sql.end();
    }
  });
});
