/**
 * A problem found in manifest input. Validation never throws: errors are returned as values so that
 * the API, the CLI and the analysis engine can report all of them at once.
 */
export interface ManifestError {
  /** File name, when known. */
  source?: string;
  /** 1-based index of the document in the input, counting empty documents as written. */
  document: number;
  /** 1-based line, for YAML/JSON text input only. */
  line?: number;
  /** Field path such as `spec.egress[0].ports[1].port`, or `''` for the whole document. */
  path: string;
  message: string;
}
