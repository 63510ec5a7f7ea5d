import { ApplicationRoleError, DEFAULT_APPLICATION_ROLE, grantApplicationRole } from '../libs/persistence/src/lib/migrations/application-role';
import { applyMigrations } from '../libs/persistence/src/lib/migrations/migration-runner';

/**
 * `npm run db:migrate`: applies prisma/migrations as the schema's owner (MIGRATION_DATABASE_URL), keeping
 * Prisma's bookkeeping, then grants the application's role (PALISADE_APP_DB_ROLE) what it needs and no
 * more, creating it when PALISADE_APP_DB_PASSWORD is set. With DATABASE_URL alone (one role for
 * everything) it migrates and grants nothing.
 */
async function main(): Promise<void> {
  const ownerUrl = process.env['MIGRATION_DATABASE_URL'];
  const url = ownerUrl ?? process.env['DATABASE_URL'];
  if (!url) {
    process.stderr.write('db:migrate: MIGRATION_DATABASE_URL is required: the schema owner\'s postgresql://user:password@host:5432/database\n');
    process.exit(78);
  }
  try {
    const applied = await applyMigrations(url);
    process.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}\n` : 'database is up to date\n');
    if (ownerUrl) {
      const role = process.env['PALISADE_APP_DB_ROLE'] || DEFAULT_APPLICATION_ROLE;
      await grantApplicationRole(ownerUrl, { role, password: process.env['PALISADE_APP_DB_PASSWORD'] || undefined });
      process.stdout.write(`granted the application's role ${role}: read and write, append-only on the audit tables, owns nothing\n`);
    } else {
      process.stdout.write('no MIGRATION_DATABASE_URL: migrated as DATABASE_URL\'s role, which then owns the schema and could rewrite the audit trail (README, "Security")\n');
    }
  } catch (error) {
    process.stderr.write(`db:migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof ApplicationRoleError ? 78 : 1);
  }
}

void main();
