import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { Piscina } from 'piscina';

/** A plain JavaScript file a worker-thread pool (piscina) runs. */
export interface ThreadBundle {
  filename: string;
  /** Removes a bundle built at start; a prebuilt one is left where it is. */
  dispose(): void;
}

/** The nearest tsconfig.json above `dir` (its path aliases `@palisade/*` resolve the entry's imports). */
function tsconfigAbove(dir: string): string {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) throw new Error(`no tsconfig.json above ${dir}`);
  }
}

/**
 * The worker-thread bundle `prebuilt` when it exists (the compiled image: `npm run build` puts it
 * beside the compiled process), otherwise one built at start from the TypeScript `entry` into a
 * temporary folder. Threads must run plain JavaScript: `@swc-node/register` inside a thread loads a
 * native addon that crashes the process (SIGSEGV) on Node 20 when the pool replaces the thread.
 *
 * @example const bundle = threadBundle(join(__dirname, 'task.entry.ts'), join(__dirname, 'task.cjs')); new Piscina({ filename: bundle.filename });
 */
export function threadBundle(entry: string, prebuilt: string): ThreadBundle {
  if (existsSync(prebuilt)) return { filename: prebuilt, dispose: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'palisade-thread-'));
  const filename = join(dir, basename(prebuilt));
  // Loaded only when no prebuilt bundle exists: the production image does not install esbuild.
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: tsconfigAbove(dirname(entry)),
    outfile: filename,
    logLevel: 'silent',
    // pg's optional native binding is never used (the pure JavaScript client is)
    external: ['pg-native'],
  });
  return { filename, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A piscina pool over `bundle` whose threads start on the first task and then stay (their caches
 * with them). No thread is kept ready in advance on purpose: piscina replaces a thread that exits
 * below `minThreads` even after `destroy()` has returned (a thread stopped by a timeout while busy
 * in a native call exits late), and such a late thread would load a bundle that `dispose()` has
 * removed. With no minimum, a thread is only ever started for a task.
 *
 * @example const pool = startThreadPool<Task, Result>(bundle, { name: 'runTask', maxThreads: 2 }); await pool.run(task);
 */
export function startThreadPool<Task, Result>(bundle: ThreadBundle, options: { name: string; maxThreads: number; workerData?: unknown }): Piscina<Task, Result> {
  return new Piscina<Task, Result>({
    filename: bundle.filename,
    // Not the process's options: `npm start` runs the API under `-r @swc-node/register`, which a thread
    // would otherwise load too (the native addon that crashes a replaced thread, see threadBundle).
    execArgv: [],
    name: options.name,
    minThreads: 0,
    maxThreads: options.maxThreads,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: options.workerData,
  });
}
