// Entry of the analysis worker threads: bundled to plain JavaScript (bundleAnalysisWorker) so the
// threads load no TypeScript hook or native addon of their own.
export { runAnalysisTask } from './compute-analysis.util';
