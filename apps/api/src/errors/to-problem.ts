import type { Request } from 'express';

import type { ApiError } from './api-error';

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
}

function titleOf(code: string): string {
  const words = code.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function toProblem(error: ApiError, request: Request | undefined, requestId: string | undefined): Problem {
  return {
    type: `urn:palisade:problem:${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(error.code),
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(request ? { instance: request.originalUrl } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.details.length > 0 ? { errors: error.details } : {}),
  };
}
