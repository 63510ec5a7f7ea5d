/** One step of a path into a manifest: a field name, a map key (labels, annotations, matchLabels) or a list index. */
type PathSegment = { kind: 'field'; name: string } | { kind: 'key'; name: string } | { kind: 'index'; index: number };

/**
 * Immutable path into a manifest, rendered like Kubernetes' `field.Path`:
 * fields with dots, list indexes and map keys in brackets.
 *
 * @example FieldPath.root().child('spec').child('egress').index(0).child('ports') // 'spec.egress[0].ports'
 * @example FieldPath.root().child('metadata').child('labels').key('app.kubernetes.io/name') // 'metadata.labels[app.kubernetes.io/name]'
 */
export class FieldPath {
  private constructor(private readonly segments: readonly PathSegment[]) {}

  static root(): FieldPath {
    return new FieldPath([]);
  }

  child(name: string): FieldPath {
    return new FieldPath([...this.segments, { kind: 'field', name }]);
  }

  key(name: string): FieldPath {
    return new FieldPath([...this.segments, { kind: 'key', name }]);
  }

  index(index: number): FieldPath {
    return new FieldPath([...this.segments, { kind: 'index', index }]);
  }

  /** Steps as used to look a node up in a parsed document (`ParsedDocument.lineOf`). */
  lookup(): (string | number)[] {
    return this.segments.map((s) => (s.kind === 'index' ? s.index : s.name));
  }

  toString(): string {
    let out = '';
    for (const s of this.segments) {
      if (s.kind === 'field') out += out === '' ? s.name : `.${s.name}`;
      else if (s.kind === 'key') out += `[${s.name}]`;
      else out += `[${s.index}]`;
    }
    return out;
  }
}

/** Joins a prefix such as `items[2]` with a path relative to the item (`spec.ingress`). */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
