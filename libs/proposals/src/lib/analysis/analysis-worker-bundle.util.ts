import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildSync } from 'esbuild';

/** The repository root's tsconfig.json (path aliases `@palisade/*`). */
const TSCONFIG = join(__dirname, '..', '..', '..', '..', '..', 'tsconfig.json');

export interface AnalysisWorkerBundle {
  /** A self-contained CommonJS file exporting `runAnalysisTask`. */
  filename: string;
  dispose(): void;
}

/**
 * Bundles the analysis task (engine included) into one plain JavaScript file for the worker
 * threads. Threads must not load a TypeScript hook themselves: `@swc-node/register` loads a native
 * addon that crashes the process (SIGSEGV) when a thread that loaded it is replaced by another one
 * on Node 20, which happens on every timeout and pool restart.
 *
 * @example const bundle = bundleAnalysisWorker(); new Piscina({ filename: bundle.filename, name: 'runAnalysisTask' });
 */
export function bundleAnalysisWorker(): AnalysisWorkerBundle {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-analysis-'));
  const filename = join(dir, 'analysis-worker.cjs');
  buildSync({
    entryPoints: [join(__dirname, 'analysis-worker.entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: TSCONFIG,
    outfile: filename,
    logLevel: 'silent',
    // pg's optional native binding is never used (the pure JavaScript client is)
    external: ['pg-native'],
  });
  return { filename, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
