import { formatManifestError } from '../format-manifest-error.util';
import type { ManifestError } from '../manifest-error.type';

describe(formatManifestError.name, () => {
  it.each<[string, ManifestError, string]>([
    [
      'everything known',
      { source: 'policies.yaml', document: 4, line: 21, path: 'spec.egress[0].ports', message: 'must be a list' },
      'policies.yaml: document 4 (line 21): spec.egress[0].ports: must be a list',
    ],
    ['no source (request body)', { document: 2, line: 3, path: 'kind', message: 'is required' }, 'document 2 (line 3): kind: is required'],
    ['no line (parsed JSON)', { source: 'body', document: 1, path: 'metadata.name', message: 'is required' }, 'body: document 1: metadata.name: is required'],
    ['whole-document errors have no path', { document: 1, line: 14, path: '', message: 'YAML syntax error: x' }, 'document 1 (line 14): YAML syntax error: x'],
  ])('%s', (_reason, error, expected) => {
    expect(formatManifestError(error)).toBe(expected);
  });
});
