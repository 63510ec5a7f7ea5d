import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { Client } from 'pg';

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 of migration.sql, as Prisma computes it. */
  checksum: string;
}

export class MigrationChecksumMismatchError extends Error {
  constructor(readonly migrationName: string) {
    super(
      `Migration ${migrationName} was modified after it was applied (checksum differs from _prisma_migrations). ` +
        'Applied migrations must never be edited; add a new migration instead.',
    );
  }
}

export class MigrationFailedError extends Error {
  constructor(
    readonly migrationName: string,
    cause: unknown,
  ) {
    super(`Migration ${migrationName} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * The nearest prisma/migrations above this file: the repository's when run from source
 * (libs/persistence/src/lib/migrations), the image's /app/prisma/migrations when compiled into dist/.
 */
function findMigrationsDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(from, 'prisma', 'migrations'); // reported as missing by readMigrations
  }
}

export const DEFAULT_MIGRATIONS_DIR = findMigrationsDir(__dirname);

export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// Same table as `prisma migrate deploy` creates, so either tool can take over from the other.
const CREATE_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Prisma's own advisory lock key for migrations, so this runner and `prisma migrate deploy` exclude each other.
const MIGRATION_LOCK_KEY = 72707369;

/**
 * Applies every migration under `dir` that `_prisma_migrations` does not record as finished, each in
 * its own transaction. Applying twice is a no-op; an applied migration whose file changed is an error.
 */
export async function applyMigrations(databaseUrl: string, dir: string = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_BOOKKEEPING);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const appliedNow: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) throw new MigrationChecksumMismatchError(migration.name);
        continue;
      }
      const id = randomUUID();
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationFailedError(migration.name, error);
      }
      appliedNow.push(migration.name);
    }
    return appliedNow;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
