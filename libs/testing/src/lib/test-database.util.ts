import { randomBytes } from 'node:crypto';

import { withCredentials, withDatabase } from '@palisade/persistence';
import { Client } from 'pg';
import { inject } from 'vitest';

import { TEST_APP_DB_PASSWORD, TEST_APP_DB_ROLE } from './test-app-role.constant';

export interface TestDatabase {
  /** As the superuser that owns the schema: for assertions on stored rows and for playing an attacker. */
  url: string;
  /** As the application's role (TEST_APP_DB_ROLE), the way the API and the worker connect in production. */
  appUrl: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template the global setup made. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('databaseServerUrl');
  const template = inject('templateDatabase');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Concurrent clones of one template can collide (55006: source database is being accessed).
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(serverUrl, name),
    appUrl: withCredentials(withDatabase(serverUrl, name), TEST_APP_DB_ROLE, TEST_APP_DB_PASSWORD),
    drop: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A superuser connection to a test database, for assertions on stored rows. */
export async function connectTo(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}
