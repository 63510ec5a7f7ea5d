import { join } from 'node:path';

import { threadBundle, type ThreadBundle } from '@palisade/shared-types';

/** The file name `npm run build` gives the prebuilt bundle, beside the compiled API. */
export const PREBUILT_ANALYSIS_WORKER = 'analysis-worker.cjs';

export type AnalysisWorkerBundle = ThreadBundle;

/**
 * The analysis task (engine included) as one plain JavaScript file for the worker threads: the
 * compiled API's prebuilt dist/api/analysis-worker.cjs, or one bundled at start from source.
 *
 * @example const bundle = bundleAnalysisWorker(); new Piscina({ filename: bundle.filename, name: 'runAnalysisTask' });
 */
export function bundleAnalysisWorker(): AnalysisWorkerBundle {
  return threadBundle(join(__dirname, 'analysis-worker.entry.ts'), join(__dirname, PREBUILT_ANALYSIS_WORKER));
}
