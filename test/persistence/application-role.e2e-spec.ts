import { randomBytes } from 'node:crypto';

import { Client } from 'pg';
import { inject } from 'vitest';

import { ApplicationRoleError, grantApplicationRole, withCredentials } from '../../libs/persistence/src';
import { connectTo, createTestDatabase, type TestDatabase } from '../../libs/testing/src';

describe(grantApplicationRole.name, () => {
  const suffix = randomBytes(4).toString('hex');
  const role = (name: string): string => `palisade_t_${name}_${suffix}`;
  const created: string[] = [];
  let db: TestDatabase;
  let owner: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await connectTo(db.url);
  });
  afterAll(async () => {
    await owner.end();
    await db.drop();
    // Roles are the server's: dropped once the database holding their grants is gone.
    const server = new Client({ connectionString: inject('databaseServerUrl') });
    await server.connect();
    for (const name of created) await server.query(`DROP ROLE IF EXISTS ${name}`);
    await server.end();
  });

  it('creates the role with LOGIN when given a password, and grants append-only audit tables', async () => {
    const name = role('app');
    created.push(name);
    await grantApplicationRole(db.url, { role: name, password: 's3cret' });
    const app = new Client({ connectionString: withCredentials(db.url, name, 's3cret') });
    await app.connect();
    try {
      expect((await app.query('SELECT current_user AS u')).rows[0].u).toBe(name);
      await app.query('SELECT count(*) FROM audit_events');
      await expect(app.query('DELETE FROM audit_events')).rejects.toMatchObject({ code: '42501' });
      await expect(app.query("INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'x')")).rejects.toMatchObject({ code: '42501' });
      expect((await app.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n).toBeGreaterThan(0);
    } finally {
      await app.end();
    }
    // Granting again (after a later migration) is the same grants, not more.
    await grantApplicationRole(db.url, { role: name });
    const { rows } = await owner.query(`SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = $1 AND table_name = 'audit_events' ORDER BY 1`, [name]);
    expect(rows.map((row) => row.privilege_type)).toEqual(['INSERT', 'SELECT']);
  });

  it.each([
    ['a role that does not exist (and no password to create it)', async () => role('missing'), /does not exist: create it/],
    [
      'a superuser',
      async () => {
        const name = role('super');
        created.push(name);
        await owner.query(`CREATE ROLE ${name} SUPERUSER`);
        return name;
      },
      /is a superuser: it must be an ordinary role that owns nothing/,
    ],
    [
      'a role that owns a table',
      async () => {
        const name = role('owner');
        created.push(name);
        await owner.query(`CREATE ROLE ${name}`);
        await owner.query(`CREATE TABLE owned_${suffix} (id int)`);
        await owner.query(`ALTER TABLE owned_${suffix} OWNER TO ${name}`);
        return name;
      },
      /owns tables \(owned_/,
    ],
    ['the migrating role itself', async () => (await owner.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u as string, /the migrations run as "[^"]+", the application's own role/],
    ['a name that is no plain PostgreSQL name', async () => 'app; DROP TABLE audit_events', /must be a lower-case PostgreSQL name/],
  ])('refuses %s', async (_what, makeRole, message) => {
    const name = await makeRole();
    await expect(grantApplicationRole(db.url, { role: name })).rejects.toThrow(ApplicationRoleError);
    await expect(grantApplicationRole(db.url, { role: name })).rejects.toThrow(message);
  });
});
