import { expandManifestLists } from './expand-manifest-lists.util';
import type { ManifestError } from './manifest-error.type';
import { parseManifestText } from './parse-manifest-text.util';
import type { ParsedDocument } from './parsed-document.type';

/** Text or parsed objects, as ParsedDocuments with Lists expanded. */
export function toParsedDocuments(input: string | unknown[], source: string | undefined): { documents: ParsedDocument[]; errors: ManifestError[] } {
  if (typeof input === 'string') return parseManifestText(input, source === undefined ? {} : { source });
  const documents: ParsedDocument[] = [];
  const errors: ManifestError[] = [];
  input.forEach((value, i) => {
    const expanded = expandManifestLists({
      document: i + 1,
      value,
      ...(source === undefined ? {} : { source }),
      pathPrefix: '',
      lineOf: () => undefined,
    });
    documents.push(...expanded.documents);
    errors.push(...expanded.errors);
  });
  return { documents, errors };
}
