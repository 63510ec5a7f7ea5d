import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { startThreadPool, type ThreadBundle } from '../thread-bundle.util';

/** A bundle whose task is busy inside native calls (JSON.stringify of 32 MB), so a stopped thread exits late. */
function busyBundle(): ThreadBundle {
  const dir = mkdtempSync(join(tmpdir(), 'thread-pool-spec-'));
  const filename = join(dir, 'busy.cjs');
  writeFileSync(filename, "exports.busy = () => { const s = 'x'.repeat(1 << 25); let n = 0; for (let i = 0; i < 400; i++) n += JSON.stringify(s).length; return n; };\nexports.echo = (v) => v;\n");
  return { filename, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('startThreadPool', () => {
  it('starts a thread for the first task, not before, and keeps it for the next', async () => {
    const bundle = busyBundle();
    const pool = startThreadPool<number, number>(bundle, { name: 'echo', maxThreads: 2 });
    try {
      expect(pool.threads).toHaveLength(0);
      expect(await pool.run(7)).toBe(7);
      expect(pool.threads).toHaveLength(1);
      const [thread] = pool.threads;
      expect(await pool.run(8)).toBe(8);
      expect(pool.threads).toEqual([thread]);
    } finally {
      await pool.destroy();
      bundle.dispose();
    }
  });

  it("runs its threads without the process's --require preloads (the TypeScript hook `npm start` runs the API under)", () => {
    const bundle = busyBundle();
    const dir = mkdtempSync(join(tmpdir(), 'thread-pool-spec-'));
    try {
      const marker = join(dir, 'preloaded.txt');
      const preload = join(dir, 'preload.cjs');
      writeFileSync(preload, `require('node:fs').appendFileSync(${JSON.stringify(marker)}, require('node:worker_threads').isMainThread ? 'main\\n' : 'thread\\n');\n`);
      const script = `
        const { startThreadPool } = require(${JSON.stringify(join(__dirname, '..', 'thread-bundle.util.ts'))});
        const pool = startThreadPool({ filename: ${JSON.stringify(bundle.filename)}, dispose() {} }, { name: 'echo', maxThreads: 1 });
        pool.run(7).then((value) => { process.stderr.write(String(value)); return pool.destroy(); });`;
      const child = spawnSync(process.execPath, ['-r', preload, '-r', '@swc-node/register', '-e', script], { cwd: join(__dirname, '..', '..', '..', '..', '..') });
      expect([child.status, child.stderr.toString()]).toEqual([0, '7']);
      expect(readFileSync(marker, 'utf8')).toBe('main\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      bundle.dispose();
    }
  });

  it('starts no thread after destroy, even when a thread stopped by a timeout exits late, so the bundle can go', async () => {
    const bundle = busyBundle();
    const pool = startThreadPool<null, number>(bundle, { name: 'busy', maxThreads: 1 });
    const errors: unknown[] = [];
    pool.on('error', (error) => errors.push(error));
    const controller = new AbortController();
    const task = pool.run(null, { signal: controller.signal }).then(
      () => 'finished',
      (error: Error) => error.name,
    );
    await sleep(300); // the thread is up and inside the task
    controller.abort();
    await pool.destroy();
    bundle.dispose();
    expect(await task).toBe('AbortError');
    // the stopped thread exits once its native call returns; with a minimum of threads the pool
    // would start a replacement here, from a file that no longer exists
    await sleep(1500);
    expect(pool.threads).toHaveLength(0);
    expect(errors).toEqual([]);
  });
});
