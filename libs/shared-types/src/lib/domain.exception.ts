/** Codes every feature can raise; feature libraries add their own enums beside this one. */
export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  /** Wrong role, or a cluster outside the caller's scope. */
  FORBIDDEN = 'FORBIDDEN',
  /** The principal made more requests than RATE_LIMIT_PER_MINUTE allows (429 with Retry-After). */
  RATE_LIMITED = 'RATE_LIMITED',
  /**
   * Not carried out; the request may be sent again (503): a dependency (the database) is unreachable,
   * or the service is shutting down (a policy set waiting to be read, a merge whose analysis the
   * engine threads stopped under).
   */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
}

export interface ErrorDetail {
  /** Where the problem is: a field path such as `labels.env`, or a manifest location. */
  path: string;
  message: string;
  document?: number;
  line?: number;
  source?: string;
}

/**
 * A failure the domain can name. Transports map `code` to a status (REST) or an extension (GraphQL);
 * domain code never throws HttpException.
 */
export class DomainException<TCode extends string = string> extends Error {
  constructor(
    readonly code: TCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
