import type { Request } from 'express';

import { type ApiError, listedDetails } from './api-error';

/** RFC 9457 problem details, plus Palisade's stable `code` and per-field `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: ApiError['details'];
  /** The number of errors when `errors` lists only the first MAX_LISTED_ERRORS. */
  errorCount?: number;
}

function titleOf(code: string): string {
  const words = code.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function toProblem(error: ApiError, request: Request | undefined, requestId: string | undefined): Problem {
  const { listed, errorCount } = listedDetails(error.details);
  return {
    type: `urn:palisade:problem:${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(error.code),
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(request ? { instance: request.originalUrl } : {}),
    ...(requestId ? { requestId } : {}),
    ...(listed.length > 0 ? { errors: listed } : {}),
    ...(errorCount !== undefined ? { errorCount } : {}),
  };
}
