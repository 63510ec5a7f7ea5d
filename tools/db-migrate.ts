import { applyMigrations } from '../libs/persistence/src/lib/migrations/migration-runner';

// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL, keeping Prisma's bookkeeping.
async function main(): Promise<void> {
  const url = process.env['DATABASE_URL'];
  if (!url) {
    process.stderr.write('db:migrate: DATABASE_URL is required (postgresql://user:password@host:5432/database)\n');
    process.exit(78);
  }
  try {
    const applied = await applyMigrations(url);
    process.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}\n` : 'database is up to date\n');
  } catch (error) {
    process.stderr.write(`db:migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

void main();
