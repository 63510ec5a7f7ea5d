/** Where a value being validated came from; `lineOf` resolves field paths to lines when the input was text. */
export interface ValidationContext {
  /** 1-based document number reported in errors. */
  document: number;
  source?: string;
  /** Usually `ParsedDocument.lineOf`; omitted for already-parsed JSON. */
  lineOf?: (path: (string | number)[]) => number | undefined;
  /** Namespace for manifests without `metadata.namespace` (kubectl's behaviour); default `'default'`. */
  defaultNamespace?: string;
}
