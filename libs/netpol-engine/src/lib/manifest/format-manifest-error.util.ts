import type { ManifestError } from './manifest-error.type';

/**
 * One-line, human-readable rendering of a ManifestError; unknown parts are omitted.
 *
 * @example formatManifestError({ source: 'policies.yaml', document: 4, line: 21, path: 'spec.egress[0].ports', message: 'must be a list' })
 * // 'policies.yaml: document 4 (line 21): spec.egress[0].ports: must be a list'
 */
export function formatManifestError(e: ManifestError): string {
  const where = `document ${e.document}${e.line === undefined ? '' : ` (line ${e.line})`}`;
  return [e.source, where, e.path || undefined, e.message].filter((part) => part !== undefined && part !== '').join(': ');
}
