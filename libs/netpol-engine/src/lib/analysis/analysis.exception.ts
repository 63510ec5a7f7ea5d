export enum AnalysisErrorCode {
  DUPLICATE_POD = 'DUPLICATE_POD',
  INVALID_ENDPOINT = 'INVALID_ENDPOINT',
  INVALID_POD_IP = 'INVALID_POD_IP',
  INVALID_QUERY = 'INVALID_QUERY',
  UNKNOWN_POD = 'UNKNOWN_POD',
}

/** A coded error of the analysis engine (bad inventory or query); transports map it by `code`. */
export class AnalysisException extends Error {
  constructor(
    readonly code: AnalysisErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AnalysisException';
  }
}
