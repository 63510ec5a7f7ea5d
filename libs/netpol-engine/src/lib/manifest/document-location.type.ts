/** Where an object was read: enough to point at it from an error about another document. */
export interface DocumentLocation {
  source?: string;
  /** 1-based index of the document in its source. */
  document: number;
  /** `items[2]` for the third item of a `kind: List`; absent for a whole document. */
  pathPrefix?: string;
  /** 1-based line where the object starts, when read from text. */
  line?: number;
}
