import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

import { Client } from 'pg';

import { generateApiTokenSecret } from '../libs/auth/src/lib/api-token-secret.util';
import { mallocTunablesEnv } from '../bin/malloc-tunables.cjs';
import { DEFAULT_APPLICATION_ROLE, grantApplicationRole, withCredentials } from '../libs/persistence/src/lib/migrations/application-role';
import { applyMigrations } from '../libs/persistence/src/lib/migrations/migration-runner';
import { type EmbeddedDatabaseServer, startEmbeddedPostgres } from './embedded-postgres';

// `npm start`: the API and the sync worker, on DATABASE_URL or on an embedded PostgreSQL under .data/.
// Migrations run as the schema's owner; the API and the worker connect as a role that owns nothing.
const root = join(__dirname, '..');
const say = (line: string): void => void process.stdout.write(`palisade: ${line}\n`);

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function startApp(label: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  // exit-with-parent: the API and the worker stop when this launcher is gone, even if it was killed outright.
  // malloc with huge pages, as the image and the CLI run (bin/malloc-tunables.cjs): the analysis's tables are typed arrays.
  return spawn(process.execPath, ['-r', join(root, 'tools', 'exit-with-parent.cjs'), '-r', '@swc-node/register', join(root, entry)], {
    cwd: root,
    env: { ...(mallocTunablesEnv(env, process.platform) ?? env), SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit'],
  }).once('spawn', () => say(`${label} starting`));
}

/** Whether something already listens on host:port (another Palisade, another program). */
function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

/**
 * The key that encrypts cluster credentials in embedded mode: generated once into .data/secret-key
 * (owner-only) and reused, since credentials stored under one key cannot be read with another.
 */
function embeddedSecretKey(): string {
  return embeddedSecret('secret-key', () => `${randomBytes(32).toString('base64')}\n`, 'the credentials key');
}

/** A secret generated once into .data/<name> (owner-only) and reused on every start. */
function embeddedSecret(name: string, generate: () => string, what: string): string {
  const file = join(root, '.data', name);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, generate(), { mode: 0o600 });
    say(`generated ${what} in ${file}; keep it with the data`);
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * Embedded mode, first start: a fresh admin token when no usable admin exists. The API makes it the
 * first admin's (PALISADE_BOOTSTRAP_ADMIN_TOKEN) and this launcher prints it once; only its hash is stored.
 */
async function firstAdminToken(databaseUrl: string): Promise<string | undefined> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `SELECT 1 FROM api_tokens WHERE 'ADMIN' = ANY(roles) AND all_clusters AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) LIMIT 1`,
    );
    return rowCount ? undefined : generateApiTokenSecret();
  } finally {
    await client.end();
  }
}

function reportMigrations(applied: string[]): void {
  say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
}

// What is running, for stop(): set as things start, so a signal at any moment stops what exists so far.
const children: ChildProcess[] = [];
let embeddedStart: Promise<EmbeddedDatabaseServer> | undefined;
let stopping = false;

/** Stops the API and the worker (SIGTERM, then SIGKILL after 10 s), then the embedded PostgreSQL; its data stays. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const running = children.length > 0 || embeddedStart !== undefined;
  if (running) say('stopping');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  // A server still starting is waited for, then stopped.
  const embedded = await embeddedStart?.catch(() => undefined);
  if (embedded) await embedded.stop();
  if (running) say('stopped');
  process.exit(code);
}

/**
 * Ctrl-C (SIGINT), SIGTERM (npm forwards it: the npm script execs this launcher), the terminal closing
 * (SIGHUP), and the parent going away (npm killed outright: this process is re-parented) all stop everything.
 */
function stopOnSignalsAndParentExit(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  // A closed terminal fails writes to it; stopping must go on regardless.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 1000).unref();
}

async function main(): Promise<void> {
  // Passed on as given: a malformed PORT is reported once, by the API's own validation.
  const portSetting = process.env['PORT'] ?? '3000';
  const port = Number(portSetting);
  const workerHealthPort = process.env['WORKER_HEALTH_PORT'] ?? (Number.isInteger(port) ? String(port + 1) : undefined);
  const host = process.env['HOST'] ?? '127.0.0.1';
  // Checked first: otherwise the readiness poll below could reach the program holding the port and say ready.
  for (const [name, value] of [
    ['PORT', portSetting],
    ['WORKER_HEALTH_PORT', workerHealthPort],
  ] as const) {
    const number = Number(value);
    if (Number.isInteger(number) && number > 0 && number <= 65535 && (await portInUse(host, number))) {
      throw new Error(`port ${number} on ${host} is in use by another program (${name}); stop it or set ${name} to a free port`);
    }
  }
  stopOnSignalsAndParentExit();
  let embedded: EmbeddedDatabaseServer | undefined;
  let databaseUrl = process.env['DATABASE_URL'];
  let secretKey = process.env['PALISADE_SECRET_KEY'];
  if (!databaseUrl) {
    const dataDir = join(root, '.data', 'postgres');
    say(`no DATABASE_URL: starting the embedded PostgreSQL with its data in ${dataDir}`);
    embeddedStart = startEmbeddedPostgres({ dataDir, persistent: true });
    embedded = await embeddedStart;
    if (stopping) return;
    databaseUrl = await ensureDatabase(embedded.serverUrl, 'palisade');
    secretKey ??= embeddedSecretKey();
  }
  let ownerUrl = process.env['MIGRATION_DATABASE_URL'];
  let auditSigningKey = process.env['PALISADE_AUDIT_SIGNING_KEY'];
  if (embedded) {
    // The embedded server's superuser owns the schema; the API and the worker get a role of their own.
    ownerUrl = databaseUrl;
    const role = process.env['PALISADE_APP_DB_ROLE'] || DEFAULT_APPLICATION_ROLE;
    const password = embeddedSecret('app-db-password', () => `${randomBytes(24).toString('base64url')}\n`, `the password of the database role ${role}`);
    await applyMigrations(ownerUrl).then(reportMigrations);
    await grantApplicationRole(ownerUrl, { role, password });
    databaseUrl = withCredentials(ownerUrl, role, password);
    auditSigningKey ??= embeddedSecret(
      'audit-signing-key.pem',
      () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      'the audit checkpoint signing key (Ed25519)',
    );
  } else if (ownerUrl) {
    const role = process.env['PALISADE_APP_DB_ROLE'] || decodeURIComponent(new URL(databaseUrl).username) || DEFAULT_APPLICATION_ROLE;
    await applyMigrations(ownerUrl).then(reportMigrations);
    await grantApplicationRole(ownerUrl, { role, password: process.env['PALISADE_APP_DB_PASSWORD'] || undefined });
  } else {
    await applyMigrations(databaseUrl).then(reportMigrations);
    say('no MIGRATION_DATABASE_URL: the API connects as the role that owns the schema and could rewrite the audit trail (README, "Security")');
  }
  const firstAdmin = embedded && !process.env['PALISADE_BOOTSTRAP_ADMIN_TOKEN'] ? await firstAdminToken(ownerUrl ?? databaseUrl) : undefined;

  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: portSetting,
    ...(workerHealthPort ? { WORKER_HEALTH_PORT: workerHealthPort } : {}),
    ...(secretKey ? { PALISADE_SECRET_KEY: secretKey } : {}),
    ...(auditSigningKey ? { PALISADE_AUDIT_SIGNING_KEY: auditSigningKey } : {}),
    ...(firstAdmin ? { PALISADE_BOOTSTRAP_ADMIN_TOKEN: firstAdmin } : {}),
  };
  if (stopping) return;
  children.push(startApp('API', 'apps/api/src/main.ts', env), startApp('sync worker', 'apps/sync-worker/src/main.ts', env));
  for (const child of children) {
    child.once('exit', (code, signal) => {
      if (!stopping) {
        say(`a process exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'}); stopping everything`);
        void stop(1);
      }
    });
  }

  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const [api] = children as [ChildProcess, ChildProcess];
  if (await waitForHealth(`${base}/readyz`, api, 120_000)) {
    say(`ready
  REST API     ${base}/api/v1
  REST docs    ${base}/api/docs
  GraphQL      ${base}/graphql
  Health       ${base}/healthz, ${base}/readyz (worker: http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${workerHealthPort ?? '-'}/readyz)
  Metrics      ${base}/metrics
Press Ctrl-C to stop.`);
    if (firstAdmin) {
      say(`no admin existed, so this is the first admin's API token. It is shown once and only its hash is kept:
  ${firstAdmin}
  curl -H 'Authorization: Bearer ${firstAdmin}' ${base}/api/v1/me`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`palisade: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  void stop(1);
});
