import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';
import type { TestProject } from 'vitest/node';

import { withDatabase } from '../../libs/persistence/src/lib/database-url.util';
import { grantApplicationRole } from '../../libs/persistence/src/lib/migrations/application-role';
import { applyMigrations } from '../../libs/persistence/src/lib/migrations/migration-runner';
import { TEST_APP_DB_PASSWORD, TEST_APP_DB_ROLE } from '../../libs/testing/src/lib/test-app-role.constant';
import { type EmbeddedDatabaseServer, startEmbeddedPostgres } from '../../tools/embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
    templateDatabase: string;
  }
}

/**
 * Uses the server in DATABASE_URL when set, otherwise starts an embedded PostgreSQL for this run.
 * Migrates a template database once as the server's superuser (the schema's owner) and grants the
 * application's role on it, as `npm run db:migrate` does; each test file clones it (libs/testing
 * createTestDatabase) and boots the app as that role.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: EmbeddedDatabaseServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'palisade-test-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = embedded.serverUrl;
  }
  const templateDatabase = `palisade_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase}`);
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  await admin.end();
  await applyMigrations(withDatabase(serverUrl, templateDatabase));
  await grantApplicationRole(withDatabase(serverUrl, templateDatabase), { role: TEST_APP_DB_ROLE, password: TEST_APP_DB_PASSWORD });

  project.provide('databaseServerUrl', serverUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    const cleanup = new Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    await cleanup.end();
    if (embedded) await embedded.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
