import type { DocumentLocation } from './document-location.type';
import type { ParsedDocument } from './parsed-document.type';

/** The location of a parsed document, without holding on to its parse tree (or parsing to find a line). */
export function locationOf(doc: ParsedDocument): DocumentLocation {
  const line = doc.startLine;
  return {
    document: doc.document,
    ...(doc.source === undefined ? {} : { source: doc.source }),
    ...(doc.pathPrefix ? { pathPrefix: doc.pathPrefix } : {}),
    ...(line === undefined ? {} : { line }),
  };
}

/**
 * "document 2 (items[1]) (line 14)" for messages that point at another document, e.g. duplicates;
 * prefixed with the source when it is another file than the current document's.
 */
export function describeDocument(first: DocumentLocation, current: { source?: string }): string {
  const item = first.pathPrefix ? ` (${first.pathPrefix})` : '';
  const at = `document ${first.document}${item}${first.line === undefined ? '' : ` (line ${first.line})`}`;
  return first.source !== undefined && first.source !== current.source ? `${first.source}: ${at}` : at;
}
