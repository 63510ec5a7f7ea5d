import { Client } from 'pg';

/** The role the API and the sync worker connect as when PALISADE_APP_DB_ROLE is not set. */
export const DEFAULT_APPLICATION_ROLE = 'palisade_app';

/** Tables the application may only read and append to: no UPDATE, DELETE, TRUNCATE or trigger control. */
export const APPEND_ONLY_TABLES = ['audit_events', 'audit_checkpoints'] as const;

/** The chain head is only ever advanced (SELECT ... FOR UPDATE, then UPDATE). */
const CHAIN_HEAD_TABLE = 'audit_chain_head';

/** The migration bookkeeping: written by the owner alone, read by readiness (/readyz: are migrations current?). */
const READ_ONLY_TABLES = ['_prisma_migrations'] as const;

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class ApplicationRoleError extends Error {}

export interface ApplicationRoleOptions {
  /** The role the application connects as (PALISADE_APP_DB_ROLE). */
  role: string;
  /** When given, the role is created with LOGIN if missing and its password set to this. */
  password?: string;
}

const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * Gives the application's role exactly what it needs on the schema the owner migrated: SELECT,
 * INSERT, UPDATE, DELETE on every table and sequence use, except INSERT and SELECT only on the
 * audit tables and SELECT only on the migration bookkeeping. The role owns nothing, so it can neither
 * alter a table, disable its triggers nor truncate it. Run as the owner after every migration
 * (idempotent: every earlier grant is revoked first, so new tables are covered and nothing stays).
 */
export async function grantApplicationRole(ownerUrl: string, options: ApplicationRoleOptions): Promise<void> {
  const { role } = options;
  if (!ROLE_NAME.test(role)) {
    throw new ApplicationRoleError(`PALISADE_APP_DB_ROLE "${role}" must be a lower-case PostgreSQL name (letters, digits, "_")`);
  }
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const owner = (await client.query<{ user: string }>('SELECT current_user AS user')).rows[0]?.user;
    if (owner === role) {
      throw new ApplicationRoleError(
        `the migrations run as "${role}", the application's own role: give MIGRATION_DATABASE_URL the owner's credentials and DATABASE_URL those of "${role}"`,
      );
    }
    const existing = (await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [role])).rows[0];
    if (existing?.rolsuper) throw new ApplicationRoleError(`the application's role "${role}" is a superuser: it must be an ordinary role that owns nothing`);
    if (!existing && options.password === undefined) {
      throw new ApplicationRoleError(
        `the application's role "${role}" does not exist: create it (CREATE ROLE ${role} LOGIN PASSWORD '...') or set PALISADE_APP_DB_PASSWORD so the migration creates it`,
      );
    }
    const owned = await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = $1 ORDER BY tablename', [role]);
    if (owned.rowCount) {
      throw new ApplicationRoleError(
        `the application's role "${role}" owns tables (${owned.rows.map((row) => row.tablename).join(', ')}): make the migrating role their owner (ALTER TABLE ... OWNER TO ${owner ?? 'owner'}), then migrate again`,
      );
    }
    if (options.password !== undefined) await ensureLoginRole(client, role, options.password);
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
      );
      const tables = rows.map((row) => row.tablename);
      const appendOnly = new Set<string>(APPEND_ONLY_TABLES);
      const readOnly = new Set<string>(READ_ONLY_TABLES);
      await client.query(`GRANT USAGE ON SCHEMA "${await currentSchema(client)}" TO ${role}`);
      for (const table of tables) {
        await client.query(`REVOKE ALL ON TABLE "${table}" FROM ${role}`);
        const privileges = readOnly.has(table)
          ? 'SELECT'
          : appendOnly.has(table) ? 'SELECT, INSERT' : table === CHAIN_HEAD_TABLE ? 'SELECT, UPDATE' : 'SELECT, INSERT, UPDATE, DELETE';
        await client.query(`GRANT ${privileges} ON TABLE "${table}" TO ${role}`);
      }
      await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "${await currentSchema(client)}" TO ${role}`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** Creates `role` with LOGIN, or resets its password; a concurrent migrator creating it first is no error. */
async function ensureLoginRole(client: Client, role: string, password: string): Promise<void> {
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${quoteLiteral(password)}`;
  const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (!found.rowCount) {
    try {
      await client.query(`CREATE ROLE ${role} ${attributes}`);
      return;
    } catch (error) {
      // 42710 duplicate_object, 23505 unique_violation: another migrator on this server created it meanwhile.
      const code = (error as { code?: string }).code;
      if (code !== '42710' && code !== '23505') throw error;
    }
  }
  await client.query(`ALTER ROLE ${role} ${attributes}`);
}

async function currentSchema(client: Client): Promise<string> {
  return (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? 'public';
}

/**
 * The URL the application connects with: `url`'s server and database, as `role` with `password`.
 *
 * @example withCredentials('postgresql://postgres@127.0.0.1:5432/palisade', 'palisade_app', 's3cret') // 'postgresql://palisade_app:s3cret@127.0.0.1:5432/palisade'
 */
export function withCredentials(url: string, role: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
