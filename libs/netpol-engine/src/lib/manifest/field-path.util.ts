const FIELD = 0;
const KEY = 1;
const INDEX = 2;

/**
 * Immutable path into a manifest, rendered like Kubernetes' `field.Path`:
 * fields with dots, list indexes and map keys in brackets. Each step points at its parent, so a
 * step costs one small object: readers build a path for every field they read, and copying the
 * whole path per step took a tenth of reading 100,000 pods.
 *
 * @example FieldPath.root().child('spec').child('egress').index(0).child('ports') // 'spec.egress[0].ports'
 * @example FieldPath.root().child('metadata').child('labels').key('app.kubernetes.io/name') // 'metadata.labels[app.kubernetes.io/name]'
 */
export class FieldPath {
  private static readonly ROOT = new FieldPath(undefined, FIELD, '');

  private constructor(
    private readonly parent: FieldPath | undefined,
    /** FIELD, KEY or INDEX (unused at the root). */
    private readonly kind: number,
    private readonly step: string | number,
  ) {}

  static root(): FieldPath {
    return FieldPath.ROOT;
  }

  /** A field name: `spec`, `ports`. */
  child(name: string): FieldPath {
    return new FieldPath(this, FIELD, name);
  }

  /** A map key (labels, annotations, matchLabels). */
  key(name: string): FieldPath {
    return new FieldPath(this, KEY, name);
  }

  /** A list index. */
  index(index: number): FieldPath {
    return new FieldPath(this, INDEX, index);
  }

  /** The steps from the root down to this one. */
  private steps(): FieldPath[] {
    const out: FieldPath[] = [];
    if (!this.parent) return out;
    out.push(this);
    for (let p = this.parent; p.parent; p = p.parent) out.push(p);
    return out.reverse();
  }

  /** Steps as used to look a node up in a parsed document (`ParsedDocument.lineOf`). */
  lookup(): (string | number)[] {
    return this.steps().map((s) => s.step);
  }

  toString(): string {
    let out = '';
    for (const s of this.steps()) {
      if (s.kind === FIELD) out += out === '' ? (s.step as string) : `.${s.step}`;
      else out += `[${s.step}]`;
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
