import { createManifestError } from './create-manifest-error.util';
import type { FieldPath } from './field-path.util';
import { isRecord } from './is-record.util';
import type { ManifestError } from './manifest-error.type';
import type { ValidationContext } from './validation-context.type';

const MAX_SHOWN_VALUE = 80;

/** JSON rendering of a value for messages, shortened when long. */
export function showValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_SHOWN_VALUE ? `${json.slice(0, MAX_SHOWN_VALUE)}…` : json;
}

/** `null` and absent are the same for Kubernetes' JSON decoding. */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Collects errors for one document and offers the type checks shared by the validators. Each
 * helper reports what is wrong and returns `undefined` for an unusable value, so callers keep
 * going and every problem of a document is reported at once.
 */
export class ManifestChecker {
  readonly errors: ManifestError[] = [];

  constructor(private readonly ctx: ValidationContext) {}

  add(path: FieldPath, message: string): void {
    this.errors.push(
      createManifestError({
        source: this.ctx.source,
        document: this.ctx.document,
        line: this.ctx.lineOf?.(path.lookup()),
        path: path.toString(),
        message,
      }),
    );
  }

  /** An object whose fields are all in `allowed` or `ignored`; reports every other field. */
  object(value: unknown, path: FieldPath, allowed: readonly string[], ignored: readonly string[] = []): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
      this.add(path, 'must be an object');
      return undefined;
    }
    for (const field of Object.keys(value)) {
      if (!allowed.includes(field) && !ignored.includes(field)) this.add(path.child(field), `unknown field ${JSON.stringify(field)}`);
    }
    return value;
  }

  /** An object without field checks (maps such as labels, or loosely validated kinds). */
  record(value: unknown, path: FieldPath): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.add(path, 'must be an object');
    return undefined;
  }

  string(value: unknown, path: FieldPath): string | undefined {
    if (typeof value === 'string') return value;
    this.add(path, 'must be a string');
    return undefined;
  }

  /** A non-empty string; absent, null and '' are reported as "is required". */
  requiredString(value: unknown, path: FieldPath): string | undefined {
    if (!isPresent(value) || value === '') {
      this.add(path, 'is required');
      return undefined;
    }
    return this.string(value, path);
  }

  list(value: unknown, path: FieldPath): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    this.add(path, 'must be a list');
    return undefined;
  }

  /** A list whose items are checked by `item`; returns undefined if the list or any item is unusable. */
  listOf<T>(value: unknown, path: FieldPath, item: (value: unknown, path: FieldPath) => T | undefined): T[] | undefined {
    const items = this.list(value, path);
    if (!items) return undefined;
    const out = items.map((v, i) => item(v, path.index(i)));
    return out.every((v) => v !== undefined) ? (out as T[]) : undefined;
  }

  /** A map of string to string (labels, annotations, matchLabels). */
  stringMap(value: unknown, path: FieldPath): Record<string, string> | undefined {
    const map = this.record(value, path);
    if (!map) return undefined;
    const out: Record<string, string> = {};
    let ok = true;
    for (const [k, v] of Object.entries(map)) {
      const s = this.string(v, path.key(k));
      if (s === undefined) ok = false;
      else out[k] = s;
    }
    return ok ? out : undefined;
  }

  /** An integer in [min, max]; `message` names the expectation (e.g. "must be an integer between 1 and 65535"). */
  integer(value: unknown, path: FieldPath, min: number, max: number, message: string): number | undefined {
    if (typeof value !== 'number') {
      this.add(path, message);
      return undefined;
    }
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(path, `invalid value ${showValue(value)}: ${message}`);
      return undefined;
    }
    return value;
  }

  invalid(path: FieldPath, value: unknown, reason: string): void {
    this.add(path, `invalid value ${showValue(value)}: ${reason}`);
  }

  unsupported(path: FieldPath, value: unknown, supported: readonly string[]): void {
    const choices = supported.map((s) => JSON.stringify(s));
    const expectation = choices.length === 1 ? `must be ${choices[0]}` : `must be one of ${choices.join(', ')}`;
    this.add(path, `unsupported value ${showValue(value)}: ${expectation}`);
  }
}
