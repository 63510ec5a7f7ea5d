import type { Request, Response } from 'express';

/** The longest `Prefer: wait` honoured, in seconds. */
export const MAX_PREFER_WAIT_SECONDS = 60;

/**
 * Seconds from an RFC 7240 `Prefer: wait=N` header (0 when absent or malformed; at most
 * MAX_PREFER_WAIT_SECONDS), answering `Preference-Applied` when it is honoured.
 */
export function preferWait(request: Request, response?: Response): number {
  const header = request.headers['prefer'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d{1,6})"?/i.exec(text);
  if (!match) return 0;
  const seconds = clampWaitSeconds(Number(match[1]));
  response?.setHeader('Preference-Applied', `wait=${seconds}`);
  return seconds;
}

/** A wait given as a number (GraphQL `waitSeconds`), bounded like `Prefer: wait`. */
export function clampWaitSeconds(seconds: number | null | undefined): number {
  return Math.max(0, Math.min(MAX_PREFER_WAIT_SECONDS, seconds ?? 0));
}
