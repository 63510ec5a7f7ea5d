import { FAILSAFE_SCHEMA, loadAll, type State, Type } from 'js-yaml';
import { Document, isScalar, type DocumentOptions, type ParseOptions, type ScalarTag, type SchemaOptions } from 'yaml';

/** One document read by the plain-YAML path: its value and where it (and objects near its top) start. */
export interface PlainYamlDocument {
  value: unknown;
  /** 1-based line of the document's first content. */
  startLine: number;
}

export interface PlainYamlResult {
  /** Every document js-yaml saw, empty ones included, in order: their index + 1 is the document number. */
  documents: PlainYamlDocument[];
  /** 1-based start line of objects (maps and lists) at most two levels below a document's top, e.g. a List's items. */
  objectLines: Map<object, number>;
}

/**
 * Text the plain path leaves to the `yaml` library: tags (`!`), anchors and aliases (`&`, `*`),
 * merge keys (`<<`), complex keys (`?`), directives (`%`), document end markers (`...`),
 * non-breaking spaces and tabs in indentation (reported specially there), null keys (which `yaml`
 * turns into `""` and js-yaml into `"null"`), a BOM. Found conservatively: a plain scalar merely
 * containing ` !` or ` *` goes the slow way too, which costs time, never correctness.
 *
 * As one regular expression (the test holds `usesNonPlainFeatures` to it on random text):
 * `(?:^|[\s,[{])[!&*?]|<<|^%|^\.\.\.(?:\s|$)|\u00a0|\ufeff|^[ ]*\t|^[ \t]*(?:-[ \t]+)*(?:~|null|Null|NULL)?[ \t]*:(?:\s|$)`
 * with the `m` flag. V8 tries each alternative at every offset (a fifth of reading a 12 MB
 * `kind: List`); here each feature is first looked for by what it must contain (characters
 * manifests rarely have, a colon after white space), and only those places are checked in full.
 */
export function usesNonPlainFeatures(text: string): boolean {
  if (text.includes('<<') || text.includes('\u00a0') || text.includes('\ufeff')) return true;
  // A colon opening the text has nothing before it for NULL_KEY_COLON to find.
  if (nonPlainLineStart(text, 0)) return true;
  let lines = new LineStarts(text);
  for (const m of text.matchAll(MARK_OR_LINE_START_CHARACTER)) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c === 0x25 /* % */ || c === 0x2e /* ... */) {
      if (atLineStart(text, i) && (c === 0x25 || i + 3 === text.length || isJsSpace(text.charCodeAt(i + 3)))) return true;
    } else if (c === 0x09 /* tab */) {
      if (lines.nonPlainAt(i)) return true;
    } else if (i === 0 || NODE_PROPERTY_AFTER.test(text[i - 1] as string)) return true; // ! & * ?
  }
  lines = new LineStarts(text);
  for (const m of text.matchAll(NULL_KEY_COLON)) {
    if (lines.nonPlainAt(m.index + m[0].length - 1)) return true;
  }
  return false;
}

/**
 * `nonPlainLineStart` for the line of each of ascending offsets, in one forward pass over the
 * text, each line checked once: a line with many candidates (one long line of flow YAML) must not
 * be walked back, or its start checked again, for each of them.
 */
class LineStarts {
  private scanned = 0;
  private start = 0;
  private checked = -1;

  constructor(private readonly text: string) {}

  nonPlainAt(offset: number): boolean {
    for (; this.scanned < offset; this.scanned++) if (isLineTerminator(this.text.charCodeAt(this.scanned))) this.start = this.scanned + 1;
    if (this.start === this.checked) return false;
    this.checked = this.start;
    return nonPlainLineStart(this.text, this.start);
  }
}

/** Where a tag, anchor, alias or complex key (`!&*?`), a directive (`%`), a document end (`...`) or an indenting tab may be. */
const MARK_OR_LINE_START_CHARACTER = /[!&*?%\t]|\.\.\./g;
/** What may precede `!&*?` for them to start a node property or complex key. */
const NODE_PROPERTY_AFTER = /[\s,[{]/;
/** The colon of every null key has white space, `~` or `null` right before it (or starts the text). */
const NULL_KEY_COLON = /[\s~]:|null:|Null:|NULL:/g;

/** Whether `i` starts a line (JavaScript's line terminators, as `^` with the `m` flag). */
function atLineStart(text: string, i: number): boolean {
  return i === 0 || isLineTerminator(text.charCodeAt(i - 1));
}

const isLineTerminator = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;

/** At a line start: a document end marker, a tab in the indentation, or a null key. */
function nonPlainLineStart(text: string, start: number): boolean {
  if (text.startsWith('...', start) && (start + 3 === text.length || isJsSpace(text.charCodeAt(start + 3)))) return true;
  let i = start;
  while (text.charCodeAt(i) === 0x20) i++;
  if (text.charCodeAt(i) === 0x09) return true;
  while (isBlank(text.charCodeAt(i))) i++;
  while (text.charCodeAt(i) === 0x2d /* - */ && isBlank(text.charCodeAt(i + 1))) {
    i += 2;
    while (isBlank(text.charCodeAt(i))) i++;
  }
  if (text.charCodeAt(i) === 0x7e /* ~ */) i++;
  else if (text.startsWith('null', i) || text.startsWith('Null', i) || text.startsWith('NULL', i)) i += 4;
  while (isBlank(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 0x3a /* : */ && (i + 1 === text.length || isJsSpace(text.charCodeAt(i + 1)));
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

/** A character of JavaScript's `\s`. */
function isJsSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  return c >= 0x80 && /\s/.test(String.fromCharCode(c));
}

/** Objects whose start line is kept: a document's top (depth 1) down to its grandchildren (a List's items at depth 3). */
const MAX_OBJECT_LINE_DEPTH = 3;

class NotPlain extends Error {}

/**
 * The implicit scalar resolution of the `yaml` library's schema for `options` (its tags' own tests
 * and resolve functions), as a js-yaml type: the plain path gives every plain scalar exactly the
 * value the `yaml` library would.
 */
function yamlScalarType(options: ParseOptions & DocumentOptions & SchemaOptions): Type {
  const tags = (new Document(null, options).schema.tags as ScalarTag[]).filter((t) => t.default === true && t.test !== undefined && typeof t.resolve === 'function');
  const fail = (): never => {
    throw new NotPlain();
  };
  let matched: ScalarTag | undefined;
  return new Type('tag:palisade/yaml-scalar', {
    kind: 'scalar',
    // js-yaml calls construct right after a resolve that returned true, so the tag found is kept between them.
    resolve: (data: string | null) => {
      if (data === null || mayBeString(data)) return false;
      matched = tags.find((t) => (t.test as RegExp).test(data));
      return matched !== undefined;
    },
    construct: (data: string) => {
      const value = (matched as ScalarTag).resolve(data, fail, options);
      return isScalar(value) ? value.value : value;
    },
  });
}

/**
 * Plain scalars no tag of YAML 1.1 or 1.2 resolves, told by their first character: nulls start
 * with `~` or n/N, booleans with y/Y, n/N, t/T, f/F or o/O, numbers with a digit, a sign or `.`
 * (`.inf`, `.nan`). Most keys and names are such, and skip the tag tests (the property tests
 * compare with the yaml library on scalars of every kind).
 */
function mayBeString(data: string): boolean {
  return data !== '' && !MAY_BE_TYPED.test(data);
}

const MAY_BE_TYPED = /^[-+.0-9~nNyYtTfFoO]/;

/** Offset of the first character at or after `from` that is not white space or part of a comment. */
function contentStart(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', i);
      if (eol === -1) return text.length;
      i = eol + 1;
    } else return i;
  }
}

/**
 * Reads YAML that uses none of the features listed at usesNonPlainFeatures with js-yaml, many times faster
 * than the `yaml` library, resolving plain scalars with the `yaml` library's own tags (so
 * `options` decide YAML 1.1 or 1.2 semantics alike). Undefined when the text is not plain or
 * js-yaml finds any error: the caller then reads it with the `yaml` library, which reports errors
 * with their lines. For valid plain YAML the values are the `yaml` library's (a property test
 * holds it to that).
 *
 * @example parsePlainYaml('a: yes\n---\nb: [1, 0x10]\n', { version: '1.1' })?.documents.map((d) => d.value)
 * // [{ a: true }, { b: [1, 16] }]
 */
export function parsePlainYaml(text: string, options: ParseOptions & DocumentOptions & SchemaOptions): PlainYamlResult | undefined {
  if (usesNonPlainFeatures(text)) return undefined;
  const schema = FAILSAFE_SCHEMA.extend({ implicit: [scalarTypeFor(options)] });
  const startLines: number[] = [];
  const objectLines = new Map<object, number>();
  const openLines: number[] = [];
  const listener = (event: 'open' | 'close', state: State): void => {
    const depth = (state as State & { depth: number }).depth;
    if (depth > MAX_OBJECT_LINE_DEPTH) return;
    if (event === 'open') {
      // js-yaml opens a node at its content, or before white space and comments that precede it.
      const start = contentStart(text, state.position);
      let line = state.line + 1;
      for (let i = text.indexOf('\n', state.position); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++;
      openLines[depth] = line;
      if (depth === 1) startLines.push(line);
    } else if (typeof state.result === 'object' && state.result !== null) {
      objectLines.set(state.result as object, openLines[depth] as number);
    }
  };
  let values: unknown[];
  try {
    values = loadAll(text, null, { schema, listener });
  } catch {
    return undefined;
  }
  if (values.length !== startLines.length) return undefined;
  const documents = values.map((value, i) => ({ value, startLine: startLines[i] as number }));
  return { documents, objectLines };
}

const scalarTypes = new WeakMap<object, Type>();

/** One js-yaml type per options object (building the `yaml` schema for it once). */
function scalarTypeFor(options: ParseOptions & DocumentOptions & SchemaOptions): Type {
  let type = scalarTypes.get(options);
  if (!type) {
    type = yamlScalarType(options);
    scalarTypes.set(options, type);
  }
  return type;
}
