import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { connectTo, createTestDatabase, type TestDatabase } from '../../libs/testing/src';

import { applyMigrations, DEFAULT_MIGRATIONS_DIR, MigrationChecksumMismatchError, readMigrations } from '../../libs/persistence/src/lib/migrations/migration-runner';

describe(applyMigrations.name, () => {
  let db: TestDatabase;
  let emptyDb: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The template is already migrated; start this suite from an empty database on the same server.
    const admin = await connectTo(db.url);
    emptyDb = `${db.name}_empty`;
    await admin.query(`CREATE DATABASE ${emptyDb}`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = await connectTo(db.url);
    await admin.query(`DROP DATABASE IF EXISTS ${emptyDb} WITH (FORCE)`);
    await admin.end();
    await db.drop();
  });

  const emptyUrl = (): string => {
    const url = new URL(db.url);
    url.pathname = `/${emptyDb}`;
    return url.toString();
  };

  it('applies every migration once, recording them as Prisma does, and is a no-op the second time', async () => {
    const all = readMigrations().map((m) => m.name);
    expect(await applyMigrations(emptyUrl())).toEqual(all);
    expect(await applyMigrations(emptyUrl())).toEqual([]);
    const sql = await connectTo(emptyUrl());
    const { rows } = await sql.query(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    await sql.end();
    expect(rows).toEqual(
      readMigrations().map((m) => ({ migration_name: m.name, checksum: m.checksum, finished: true, applied_steps_count: 1 })),
    );
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const first = readMigrations(dir)[0]!;
    writeFileSync(join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
    await expect(applyMigrations(emptyUrl(), dir)).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
    await expect(applyMigrations(emptyUrl(), dir)).rejects.toThrow(first.name);
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const name = '29991231000000_added_broken_table';
    cpSync(join(dir, readMigrations(dir)[0]!.name), join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), 'CREATE TABLE broken_probe (id int);\nSELECT no_such_function();\n');
    await expect(applyMigrations(emptyUrl(), dir)).rejects.toThrow(`Migration ${name} failed`);
    const sql = await connectTo(emptyUrl());
    const recorded = await sql.query('SELECT 1 FROM _prisma_migrations WHERE migration_name = $1', [name]);
    const table = await sql.query("SELECT to_regclass('broken_probe') AS t");
    await sql.end();
    expect(recorded.rowCount).toBe(0);
    expect(table.rows[0].t).toBeNull();
  });
});
