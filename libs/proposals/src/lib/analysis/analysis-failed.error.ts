/** The engine could not produce an analysis (an engine error or a timeout); stored as a FAILED analysis with this message. */
export class AnalysisFailedError extends Error {
  override readonly name = 'AnalysisFailedError';
}
