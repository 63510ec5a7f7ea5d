import type { ManifestError } from './manifest-error.type';

/** Builds a ManifestError without `undefined` members, so errors compare and serialise cleanly. */
export function createManifestError(e: {
  source?: string | undefined;
  document: number;
  line?: number | undefined;
  path: string;
  message: string;
}): ManifestError {
  return {
    ...(e.source === undefined ? {} : { source: e.source }),
    document: e.document,
    ...(e.line === undefined ? {} : { line: e.line }),
    path: e.path,
    message: e.message,
  };
}
