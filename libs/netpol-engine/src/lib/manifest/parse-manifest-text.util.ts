import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Document, DocumentOptions, ParseOptions, ScalarTag, SchemaOptions, Tags, YAMLError } from 'yaml';

import { createManifestError } from './create-manifest-error.util';
import { parsePlainYaml } from './parse-plain-yaml.util';
import { expandManifestLists } from './expand-manifest-lists.util';
import { scanJson } from './scan-json.util';
import type { ManifestError } from './manifest-error.type';
import type { ParsedDocument } from './parsed-document.type';

export interface ParseManifestTextResult {
  documents: ParsedDocument[];
  errors: ManifestError[];
}

// kubectl reads manifests as YAML 1.1 (yes/no/on/off are booleans, `<<` merges), so `ingress: yes`
// is a boolean here too and gets rejected now rather than by the API server at sync time. The 1.1
// resolutions kubectl (go-yaml) does not apply are removed or narrowed: sexagesimal numbers
// (`port: 1:20` would become 80), timestamps, and exponents without digits before them (`e2`).
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
  customTags: (tags: Tags) => tags.filter((tag) => !isDroppedTag(tag)).map(narrowTag),
};

const FLOAT_WITH_EXPONENT = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/;

function isDroppedTag(tag: Tags[number]): boolean {
  if (typeof tag === 'string') return tag === 'intTime' || tag === 'floatTime' || tag === 'timestamp';
  return ('format' in tag && tag.format === 'TIME') || tag.tag === 'tag:yaml.org,2002:timestamp';
}

function narrowTag(tag: Tags[number]): Tags[number] {
  if (typeof tag === 'string' || !('format' in tag) || tag.format !== 'EXP' || tag.tag !== 'tag:yaml.org,2002:float') return tag;
  return { ...(tag as ScalarTag), test: FLOAT_WITH_EXPONENT };
}

// Error codes that, in hand-written manifests, almost always mean a mis-indented line.
const INDENTATION_CODES = new Set<string>(['BAD_INDENT', 'MISSING_CHAR', 'MULTILINE_IMPLICIT_KEY', 'TAB_AS_INDENT']);

const MAX_ALIAS_COUNT = 100; // billion-laughs guard

/**
 * Splits YAML (or JSON) text into manifests. Multi-document streams (`---`) are supported; empty
 * documents are skipped without renumbering the rest; `kind: List` objects are expanded into their
 * items. Syntax errors are returned with their line, never thrown.
 *
 * @example
 * const { documents, errors } = parseManifestText('kind: NetworkPolicy\n---\n---\nkind: Pod\n', { source: 'a.yaml' });
 * // documents.map((d) => d.document) => [1, 3]; errors => []
 */
export function parseManifestText(text: string, opts: { source?: string } = {}): ParseManifestTextResult {
  return parseAsJson(text, opts.source) ?? parseAsPlainYaml(text, opts.source) ?? parseAsYaml(text, opts.source);
}

/**
 * YAML without tags, anchors, merge keys and the like (what people and `kubectl get -o yaml`
 * write) read with js-yaml, about ten times faster than the `yaml` library, with the `yaml`
 * library's scalar resolution (see parsePlainYaml); undefined for anything else, and for any
 * error, which the `yaml` path then reports. The lines of documents and of List items come from
 * that one pass; any other line is found only when an error asks for one, by parsing the text
 * with the `yaml` library then.
 */
function parseAsPlainYaml(text: string, source: string | undefined): ParseManifestTextResult | undefined {
  const plain = parsePlainYaml(text, YAML_OPTIONS);
  if (!plain) return undefined;
  let fromYaml: { docs: Document.Parsed[]; lineAt: (offset: number) => number } | undefined;
  const documents: ParsedDocument[] = [];
  const errors: ManifestError[] = [];
  plain.documents.forEach((d, i) => {
    if (d.value === null) return; // an empty document
    const lineOf = (path: (string | number)[]): number | undefined => {
      if (path.length === 0) return d.startLine;
      if (typeof path[path.length - 1] === 'number') {
        const known = plain.objectLines.get(valueAt(d.value, path) as object);
        if (known !== undefined) return known;
      }
      if (!fromYaml) {
        const lineCounter = new LineCounter();
        const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter }) as Document.Parsed[];
        fromYaml = { docs, lineAt: (offset) => lineCounter.linePos(offset).line };
      }
      const doc = fromYaml.docs[i];
      return doc ? lineOfPath(doc, path, fromYaml.lineAt) : undefined;
    };
    const expanded = expandManifestLists({ document: i + 1, value: d.value, ...(source === undefined ? {} : { source }), pathPrefix: '', startLine: d.startLine, lineOf });
    documents.push(...expanded.documents);
    errors.push(...expanded.errors);
  });
  return { documents, errors };
}

/** The value at `path` inside `value`, or undefined. */
function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

/**
 * JSON text (what `kubectl get -o json` writes) read with `JSON.parse`, many times faster than the
 * YAML parser; undefined when the text is not JSON or repeats a key, which the YAML path then
 * reports. JSON is YAML, so the values are the same either way. The lines of the document and of a
 * List's items come from one scan of the text; any other line is found only when an error asks for
 * one, by parsing the text as YAML then.
 */
function parseAsJson(text: string, source: string | undefined): ParseManifestTextResult | undefined {
  const first = text.search(/\S/);
  if (first < 0 || (text[first] !== '{' && text[first] !== '[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const scan = scanJson(text);
  if (scan.duplicateKeyAt !== undefined) return undefined;
  const [startLine, ...itemLines] = linesAt(text, [first, ...scan.itemStarts]);
  let fromYaml: ((path: (string | number)[]) => number | undefined) | undefined;
  const lineOf = (path: (string | number)[]): number | undefined => {
    if (path.length === 0) return startLine;
    if (path.length === 2 && path[0] === 'items' && typeof path[1] === 'number' && path[1] < itemLines.length) return itemLines[path[1]];
    if (!fromYaml) {
      const lineCounter = new LineCounter();
      const [doc] = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
      const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
      fromYaml = doc && 'contents' in doc ? (p) => lineOfPath(doc, p, lineAt) : () => undefined;
    }
    return fromYaml(path);
  };
  return expandManifestLists({ document: 1, value, ...(source === undefined ? {} : { source }), pathPrefix: '', startLine, lineOf });
}

/** 1-based lines of ascending offsets into `text`, in one pass. */
function linesAt(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = new Array(offsets.length);
  let line = 1;
  let next = text.indexOf('\n');
  for (let k = 0; k < offsets.length; k++) {
    while (next !== -1 && next < offsets[k]) {
      line++;
      next = text.indexOf('\n', next + 1);
    }
    lines[k] = line;
  }
  return lines;
}

/** The `yaml` library's reading of any text, errors included: the reference the faster paths are held to. */
export function parseAsYaml(text: string, source: string | undefined): ParseManifestTextResult {
  const lineCounter = new LineCounter();
  const documents: ParsedDocument[] = [];
  const errors: ManifestError[] = [];
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;

  parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter }).forEach((doc, i) => {
    const document = i + 1;
    const fail = (line: number | undefined, message: string): void => {
      errors.push(createManifestError({ source, document, line, path: '', message }));
    };

    // Text pasted from a web page often has U+00A0 for indentation, which YAML reads as content:
    // the resulting syntax errors (or odd keys) say nothing useful, so name the cause instead.
    const nbspOffset = doc.errors.length > 0 ? findNonBreakingSpaceLine(text, doc.range) : findNonBreakingSpaceScalar(doc);
    if (nbspOffset !== undefined) {
      fail(lineAt(nbspOffset), 'indentation contains non-breaking spaces (U+00A0); YAML needs regular spaces');
      return;
    }
    if (doc.errors.length > 0) {
      for (const e of doc.errors) fail(lineAt(e.pos[0]), syntaxMessage(e));
      return;
    }
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) return; // empty document

    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      fail(lineAt(contents.range?.[0] ?? 0), `YAML error: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }

    const expanded = expandManifestLists({
      document,
      value,
      ...(source === undefined ? {} : { source }),
      pathPrefix: '',
      ...(contents.range ? { startLine: lineAt(contents.range[0]) } : {}),
      lineOf: (path) => lineOfPath(doc, path, lineAt),
    });
    documents.push(...expanded.documents);
    errors.push(...expanded.errors);
  });

  return { documents, errors };
}

function syntaxMessage(e: YAMLError): string {
  const hint = INDENTATION_CODES.has(e.code) ? ' (check the indentation of this line)' : '';
  return `YAML syntax error: ${e.message}${hint}`;
}

/** Offset of the first line of the document whose indentation contains U+00A0. */
function findNonBreakingSpaceLine(text: string, range: [number, number, number]): number | undefined {
  const match = /^[ \t]*\u00a0/m.exec(text.slice(range[0], range[2]));
  return match ? range[0] + match.index : undefined;
}

/** Offset of the first plain scalar that starts with U+00A0: YAML reads such "indentation" as text. */
function findNonBreakingSpaceScalar(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if (node.type === 'PLAIN' && typeof node.source === 'string' && node.source.startsWith('\u00a0')) {
        found = node.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Line of the node at `path`, or of the deepest ancestor that exists. A map field gives its key's line. */
function lineOfPath(doc: Document.Parsed, path: (string | number)[], lineAt: (offset: number) => number): number | undefined {
  const lineOfNode = (n: unknown): number | undefined => {
    const range = (n as { range?: [number, number, number] } | null)?.range;
    return range ? lineAt(range[0]) : undefined;
  };
  let node: unknown = doc.contents;
  let line = lineOfNode(node);
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const step = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return line;
      line = lineOfNode(pair.key) ?? line;
      if (i === path.length - 1) return line;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number' && step < node.items.length) {
      node = node.items[step];
      line = lineOfNode(node) ?? line;
    } else {
      return line;
    }
  }
  return line;
}
