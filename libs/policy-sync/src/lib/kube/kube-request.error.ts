/**
 * How a failed Kubernetes request should be handled:
 * - `transient`: timeouts, connection errors, 429 and 5xx; retried with backoff.
 * - `rejected`: the API server refused the request (4xx other than 409/429); retrying the same
 *   request cannot help.
 * - `conflict`: server-side apply found fields owned by another field manager (409).
 */
export type KubeFailureKind = 'transient' | 'rejected' | 'conflict';

export interface KubeStatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** A Kubernetes `Status` object, as returned with every error. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: KubeStatusCause[] };
}

export class KubeRequestError extends Error {
  constructor(
    readonly kind: KubeFailureKind,
    message: string,
    readonly options: {
      /** HTTP status; absent for connection errors and timeouts. */
      status?: number;
      reason?: string;
      causes?: KubeStatusCause[];
      /** From a 429's Retry-After header. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
    this.name = 'KubeRequestError';
  }

  get status(): number | undefined {
    return this.options.status;
  }
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Classifies an HTTP error answer of the API server. */
export function errorFromResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
): KubeRequestError {
  const s = (typeof body === 'object' && body !== null ? body : {}) as KubeStatus;
  const serverMessage = s.message ?? (typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : `HTTP ${status}`);
  const causes = s.details?.causes ?? [];
  const options = { status, reason: s.reason, causes, retryAfterMs: parseRetryAfter(headers['retry-after']) };
  const where = `${method} ${path.split('?')[0]}`;
  if (status === 409 && causes.some((c) => c.reason === 'FieldManagerConflict')) {
    return new KubeRequestError('conflict', serverMessage, options);
  }
  // A 1.20-era server answers an apply naming a field its schema lacks with a 500; retrying cannot help.
  if (status === 500 && /failed to create typed (patch )?object/.test(serverMessage)) {
    return new KubeRequestError('rejected', serverMessage, options);
  }
  if (status === 409 || status === 429 || status >= 500) {
    return new KubeRequestError('transient', `${where}: HTTP ${status}: ${serverMessage}`, options);
  }
  return new KubeRequestError('rejected', serverMessage, options);
}

/** Classifies a request that got no HTTP answer (refused, reset, TLS failure, timeout). */
export function errorFromTransport(method: string, path: string, error: unknown): KubeRequestError {
  const e = error as { code?: string; message?: string };
  const what = e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}` : (e.message ?? String(error));
  return new KubeRequestError('transient', `${method} ${path.split('?')[0]}: ${what}`);
}
