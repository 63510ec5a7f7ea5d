import { createManifestError } from './create-manifest-error.util';
import { joinPath } from './field-path.util';
import { isRecord } from './is-record.util';
import type { ManifestError } from './manifest-error.type';
import type { ParsedDocument } from './parsed-document.type';

/** `kind: List` (what `kubectl get -o yaml` prints) and typed lists such as `NetworkPolicyList`. */
function isListObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value) || typeof value['kind'] !== 'string') return false;
  return value['kind'] === 'List' || (value['kind'].endsWith('List') && 'items' in value);
}

/**
 * Replaces Kubernetes List objects by their items (recursively). Items keep the document number and
 * get the path prefix `items[i]`; other documents are returned unchanged.
 */
export function expandManifestLists(doc: ParsedDocument): { documents: ParsedDocument[]; errors: ManifestError[] } {
  if (!isListObject(doc.value)) return { documents: [doc], errors: [] };
  const prefix = doc.pathPrefix ?? '';
  const items = doc.value['items'];
  if (items === undefined || items === null) return { documents: [], errors: [] }; // an empty List is valid
  if (!Array.isArray(items)) {
    const error = createManifestError({
      source: doc.source,
      document: doc.document,
      line: doc.lineOf(['items']),
      path: joinPath(prefix, 'items'),
      message: 'must be a list',
    });
    return { documents: [], errors: [error] };
  }
  const documents: ParsedDocument[] = [];
  const errors: ManifestError[] = [];
  items.forEach((item, i) => {
    const startLine = doc.startLine === undefined ? undefined : doc.lineOf(['items', i]);
    const expanded = expandManifestLists({
      document: doc.document,
      value: item,
      ...(doc.source === undefined ? {} : { source: doc.source }),
      pathPrefix: joinPath(prefix, `items[${i}]`),
      ...(startLine === undefined ? {} : { startLine }),
      lineOf: (path) => doc.lineOf(['items', i, ...path]),
    });
    documents.push(...expanded.documents);
    errors.push(...expanded.errors);
  });
  return { documents, errors };
}
