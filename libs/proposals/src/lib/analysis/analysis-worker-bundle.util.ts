import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root's tsconfig.json (path aliases `@palisade/*`). */
const TSCONFIG = join(__dirname, '..', '..', '..', '..', '..', 'tsconfig.json');

/** The file name `npm run build` gives the prebuilt bundle, beside the compiled API. */
export const PREBUILT_ANALYSIS_WORKER = 'analysis-worker.cjs';

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
 * The compiled API (`npm run build`) ships the bundle beside itself (dist/api/analysis-worker.cjs)
 * and uses it as it is; from TypeScript source it is built here, at start.
 *
 * @example const bundle = bundleAnalysisWorker(); new Piscina({ filename: bundle.filename, name: 'runAnalysisTask' });
 */
export function bundleAnalysisWorker(): AnalysisWorkerBundle {
  const prebuilt = join(__dirname, PREBUILT_ANALYSIS_WORKER);
  if (existsSync(prebuilt)) return { filename: prebuilt, dispose: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'palisade-analysis-'));
  const filename = join(dir, 'analysis-worker.cjs');
  // Loaded only when no prebuilt bundle exists: the production image does not install esbuild.
  const { buildSync } = require('esbuild') as typeof import('esbuild');
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
