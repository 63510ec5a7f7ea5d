export enum CliErrorCode {
  /** Bad command line: exit code 2, with usage text. */
  USAGE = 'USAGE',
  /** Unreadable or invalid input: exit code 1. */
  INPUT = 'INPUT',
  /** The server refused the request or could not be reached: exit code 1. */
  SERVER = 'SERVER',
}

/** A failure the CLI reports as a message (never a stack trace) and an exit code. */
export class CliException extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    /** Further lines, e.g. one per manifest error. */
    readonly details: readonly string[] = [],
    /** The command whose usage to print for a usage error. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'CliException';
  }

  static usage(message: string, command?: string): CliException {
    return new CliException(CliErrorCode.USAGE, message, [], command);
  }

  static input(message: string, details: readonly string[] = []): CliException {
    return new CliException(CliErrorCode.INPUT, message, details);
  }

  static server(message: string, details: readonly string[] = []): CliException {
    return new CliException(CliErrorCode.SERVER, message, details);
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** `explain`: the connection is denied. */
export const EXIT_DENIED = 3;
/** `propose`: the analysis has a finding at or above `--fail-on`. */
export const EXIT_FINDINGS = 4;
/** `propose`: the analysis was not READY within `--wait`. */
export const EXIT_NOT_READY = 5;
