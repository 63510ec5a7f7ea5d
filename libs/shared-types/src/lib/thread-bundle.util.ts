import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

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
