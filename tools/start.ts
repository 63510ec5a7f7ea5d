import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { Client } from 'pg';

import { applyMigrations } from '../libs/persistence/src/lib/migrations/migration-runner';
import { type EmbeddedDatabaseServer, startEmbeddedPostgres } from './embedded-postgres';

// `npm start`: the API and the sync worker, on DATABASE_URL or on an embedded PostgreSQL under .data/.
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
  return spawn(process.execPath, ['-r', '@swc-node/register', join(root, entry)], {
    cwd: root,
    env: { ...env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit'],
  }).once('spawn', () => say(`${label} starting`));
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

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 3000);
  const workerHealthPort = Number(process.env['WORKER_HEALTH_PORT'] ?? port + 1);
  let embedded: EmbeddedDatabaseServer | undefined;
  let databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) {
    const dataDir = join(root, '.data', 'postgres');
    say(`no DATABASE_URL: starting the embedded PostgreSQL with its data in ${dataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir, persistent: true });
    databaseUrl = await ensureDatabase(embedded.serverUrl, 'palisade');
  }
  const applied = await applyMigrations(databaseUrl);
  say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), WORKER_HEALTH_PORT: String(workerHealthPort) };
  const children = [startApp('API', 'apps/api/src/main.ts', env), startApp('sync worker', 'apps/sync-worker/src/main.ts', env)];

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping');
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
    if (embedded) await embedded.stop();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const child of children) {
    child.once('exit', (code, signal) => {
      if (!stopping) {
        say(`a process exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'}); stopping everything`);
        void stop(1);
      }
    });
  }

  const base = `http://localhost:${port}`;
  const [api] = children as [ChildProcess, ChildProcess];
  if (await waitForHealth(`${base}/healthz`, api, 120_000)) {
    say(`ready
  REST API     ${base}/api/v1
  REST docs    ${base}/api/docs
  GraphQL      ${base}/graphql
  Health       ${base}/healthz (worker: http://localhost:${workerHealthPort}/healthz)
Press Ctrl-C to stop.`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`palisade: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
