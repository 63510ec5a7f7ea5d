import type { DocumentLocation } from './document-location.type';

/**
 * The objects read so far, by kind and name, with where each was read. Share one across the
 * `parseManifests` calls of several files so that an object defined in two files is reported in
 * the second with the first one's file, document and line.
 *
 * @example
 * const seen = new ManifestRegistry();
 * parseManifests(a, { source: 'a.yaml', seen });
 * parseManifests(b, { source: 'b.yaml', seen }).errors; // [... 'duplicate NetworkPolicy default/x: already defined in a.yaml: document 1 (line 1)']
 */
export class ManifestRegistry {
  private readonly first = new Map<string, DocumentLocation>();

  /** Where `key` was first registered, or undefined after registering it at `location` now. */
  claim(key: string, location: () => DocumentLocation): DocumentLocation | undefined {
    const first = this.first.get(key);
    if (first) return first;
    this.first.set(key, location());
    return undefined;
  }
}
