import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestDatabase, type TestDatabase } from '../../libs/testing/src';
import { closedDirectoryOnPath, freePort, startEmbeddedPostgres } from '../../tools/embedded-postgres';
import { TEST_SECRET_KEY } from '../support/test-app';

// `npm start` (tools/start.ts): a port already taken, stopping through npm, and a launcher killed outright.
const root = join(__dirname, '..', '..');

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/**
 * The variable `name` in the environment process `pid` started with (Linux). glibc splits
 * GLIBC_TUNABLES in place as it reads it, so only its first tunable shows here.
 */
function environmentOf(pid: number, name: string): string | undefined {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((line) => line.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** The processes among `pids` whose command line names `file`. */
const running = (pids: number[], file: string): number[] => pids.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(file)));

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm start (the launcher)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const env = (port: number, workerPort: number): Record<string, string> => ({
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    DATABASE_URL: db.url,
    PALISADE_SECRET_KEY: TEST_SECRET_KEY,
    PORT: String(port),
    WORKER_HEALTH_PORT: String(workerPort),
    LOG_LEVEL: 'warn',
    ANALYSIS_RECONCILE_MS: '0',
  });

  /** `npm start`, resolved once it has said ready. */
  async function startUntilReady(command: string, args: string[], port: number, workerPort: number, extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> {
    const child = spawn(command, args, { cwd: root, env: { ...env(port, workerPort), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${output}`)));
      child.stdout?.on('data', () => output.includes('palisade: ready') && resolve());
    });
    return { child, output: () => output };
  }

  it('with the port taken, names the port in use and exits non-zero without saying ready or starting anything', async () => {
    const port = await freePort();
    const holder: Server = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, 'tools', 'start.ts')], {
        cwd: root,
        env: { ...env(port, await freePort()), SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`palisade: could not start: port ${port} on 127.0.0.1 is in use by another program (PORT); stop it or set PORT to a free port\n`);
      expect(result.stdout).not.toContain('ready');
      expect(result.stdout).not.toContain('starting');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('SIGTERM to the npm process stops the launcher, the API and the worker', async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const { child: npm, output } = await startUntilReady('npm', ['start'], port, workerPort);
    const processes = descendants(npm.pid as number);
    // Read while running, checked once stopped: a failed check or read must not leave the processes running.
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    let tunables: (string | undefined)[] = [];
    let health = 0;
    try {
      const apps = [...running(processes, join('apps', 'api', 'src', 'main.ts')), ...running(processes, join('apps', 'sync-worker', 'src', 'main.ts'))];
      tunables = apps.map((pid) => environmentOf(pid, 'GLIBC_TUNABLES'));
      health = (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
    } finally {
      npm.kill('SIGTERM');
      await exited;
    }
    // The launcher, the API and the worker, at least (npm's script shell execs the launcher).
    expect(processes.length, output()).toBeGreaterThanOrEqual(3);
    expect(health).toBe(200);
    await until(() => processes.every((pid) => !alive(pid)), `every process npm start began to exit: ${processes.filter(alive).join(', ')}`);
    expect(output()).toContain('palisade: stopped');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    // The API and the worker ran with glibc's malloc on huge pages (bin/malloc-tunables.cjs), as the image does.
    expect(tunables, output()).toEqual(['glibc.malloc.hugetlb=1', 'glibc.malloc.hugetlb=1']);
  });

  it('the API and the worker stop by themselves when the launcher is killed outright', async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    // A user's own huge pages setting is kept (`=0` opts out).
    const { child: launcher, output } = await startUntilReady(process.execPath, ['-r', '@swc-node/register', join(root, 'tools', 'start.ts')], port, workerPort, { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' });
    const processes = descendants(launcher.pid as number);
    let tunables: (string | undefined)[] = [];
    try {
      tunables = running(processes, join('apps', 'api', 'src', 'main.ts')).map((pid) => environmentOf(pid, 'GLIBC_TUNABLES'));
    } finally {
      launcher.kill('SIGKILL');
    }
    expect(processes.length, output()).toBeGreaterThanOrEqual(2);
    await until(() => processes.every((pid) => !alive(pid)), `the API and the worker to exit: ${processes.filter(alive).join(', ')}`);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(tunables).toEqual(['glibc.malloc.hugetlb=0']);
  });
});

describe('the embedded PostgreSQL as root', () => {
  it('finds the first directory other users cannot enter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-closed-'));
    try {
      expect(closedDirectoryOnPath(join(dir, 'data', 'postgres'))).toBe(dir); // mkdtemp: mode 0700
      chmodSync(dir, 0o711);
      expect(closedDirectoryOnPath(join(dir, 'data', 'postgres'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.getuid?.() === 0)('stops with one line saying what to do when the postgres user cannot reach the data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-closed-'));
    try {
      await expect(startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), persistent: false })).rejects.toThrow(
        `the embedded PostgreSQL runs as the user postgres when started as root, and that user cannot enter ${dir} (no permission for others): run as a user other than root`,
      );
      expect(existsSync(join(dir, 'postgres'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
