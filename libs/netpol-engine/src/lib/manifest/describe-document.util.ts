import type { ParsedDocument } from './parsed-document.type';

/** "document 2 (items[1]) (line 14)" for messages that point at another document, e.g. duplicates. */
export function describeDocument(first: ParsedDocument, current: ParsedDocument): string {
  const item = first.pathPrefix ? ` (${first.pathPrefix})` : '';
  const line = first.lineOf([]);
  const at = `document ${first.document}${item}${line === undefined ? '' : ` (line ${line})`}`;
  return first.source !== undefined && first.source !== current.source ? `${first.source}: ${at}` : at;
}
