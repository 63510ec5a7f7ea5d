import { CommonErrorCode, DomainException, type ErrorDetail } from '@palisade/shared-types';
import { HttpException, HttpStatus } from '@nestjs/common';

import { type ApiErrorCode, TransportErrorCode } from './api-error-code.type';
import { toHttpStatus } from './to-http';

/** An error as every transport reports it: a stable code, a human message, optional details. */
export interface ApiError {
  code: ApiErrorCode;
  status: number;
  message: string;
  details: ErrorDetail[];
}

function fromHttpException(exception: HttpException): ApiError {
  const status = exception.getStatus();
  const code =
    status === HttpStatus.NOT_FOUND
      ? TransportErrorCode.ROUTE_NOT_FOUND
      : status === HttpStatus.UNSUPPORTED_MEDIA_TYPE
        ? TransportErrorCode.UNSUPPORTED_MEDIA_TYPE
        : status === HttpStatus.PAYLOAD_TOO_LARGE
          ? TransportErrorCode.PAYLOAD_TOO_LARGE
          : status === HttpStatus.CONFLICT
            ? TransportErrorCode.CONFLICT
            : status === HttpStatus.METHOD_NOT_ALLOWED
              ? TransportErrorCode.METHOD_NOT_ALLOWED
              : status < 500
                ? TransportErrorCode.BAD_REQUEST
                : status === HttpStatus.SERVICE_UNAVAILABLE
                  ? CommonErrorCode.SERVICE_UNAVAILABLE // stays 503 so probes and clients know to retry
                  : TransportErrorCode.INTERNAL_ERROR;
  const message = status < 500 || status === HttpStatus.SERVICE_UNAVAILABLE ? exception.message : 'Internal server error';
  return { code, status: toHttpStatus(code), message, details: [] };
}

/** Body-parser errors (malformed JSON, body too large) arrive as plain errors with a status. */
function fromBodyParserError(error: { status: number; type?: string; message: string }): ApiError {
  const code = error.status === 413 ? TransportErrorCode.PAYLOAD_TOO_LARGE : error.status === 415 ? TransportErrorCode.UNSUPPORTED_MEDIA_TYPE : TransportErrorCode.BAD_REQUEST;
  const message = error.type === 'entity.parse.failed' ? `request body is not valid JSON: ${error.message}` : error.message;
  return { code, status: toHttpStatus(code), message, details: [] };
}

/** Maps anything thrown while handling a request to an ApiError; null means an unexpected failure. */
export function toApiError(exception: unknown): ApiError | null {
  if (exception instanceof DomainException) {
    const code = exception.code as ApiErrorCode;
    return { code, status: toHttpStatus(code), message: exception.message, details: exception.details };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (
    typeof exception === 'object' &&
    exception !== null &&
    'status' in exception &&
    typeof (exception as { status: unknown }).status === 'number' &&
    (exception as { status: number }).status >= 400 &&
    (exception as { status: number }).status < 500 &&
    'expose' in exception
  ) {
    return fromBodyParserError(exception as unknown as { status: number; type?: string; message: string });
  }
  return null;
}

/** At most this many entries of `errors` (REST) or `details` (GraphQL) are listed; `errorCount` gives the total. */
export const MAX_LISTED_ERRORS = 100;

/** The first MAX_LISTED_ERRORS details, plus the total when some were left out. */
export function listedDetails(details: ErrorDetail[]): { listed: ErrorDetail[]; errorCount?: number } {
  return details.length > MAX_LISTED_ERRORS ? { listed: details.slice(0, MAX_LISTED_ERRORS), errorCount: details.length } : { listed: details };
}

export const INTERNAL_ERROR: Omit<ApiError, 'message'> & { message: string } = {
  code: TransportErrorCode.INTERNAL_ERROR,
  status: HttpStatus.INTERNAL_SERVER_ERROR,
  message: 'Internal server error',
  details: [],
};
