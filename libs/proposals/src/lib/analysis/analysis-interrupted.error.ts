/**
 * The analysis threads stopped under an analysis, or one was asked for after they stopped: the
 * service is shutting down. Not a failure of the analysis: a proposal's stays PENDING (nothing is
 * stored) and the next start, or another replica, runs it again.
 */
export class AnalysisInterruptedError extends Error {
  override readonly name = 'AnalysisInterruptedError';
}
