/** One manifest taken from the input, before any kind-specific validation. */
export interface ParsedDocument {
  /** 1-based index of the document in the input, as written (empty documents keep their number). */
  document: number;
  /** The plain JS value of the manifest (objects, arrays, strings, numbers, booleans, null). */
  value: unknown;
  source?: string;
  /** Where `value` sits inside its document: `''`, or `items[2]` for the third item of a `kind: List`. */
  pathPrefix?: string;
  /** 1-based line where `value` starts, when known without parsing anything again (text input). */
  startLine?: number;
  /** 1-based line of the field at `path` (relative to `value`), or of its nearest existing ancestor; undefined without text. */
  lineOf(path: (string | number)[]): number | undefined;
}
