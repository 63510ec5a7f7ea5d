import { type AggregatedFlow, type Flow, type FlowVisitor, formatEndpoint, formatPorts, type NamespaceEndpoint, type WorkloadEndpoint } from '@palisade/netpol-engine';

import { joinLine } from './join-line.util';
import type { PieceLines } from './piece-lines.type';

export const FLOW_FORMATS = ['text', 'json', 'jsonl', 'csv', 'dot', 'md'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

/** Characters of text gathered before one write: few writes, and memory bounded whatever the flow count. */
const CHUNK_CHARS = 1 << 16;

/**
 * Gathers text into chunks of about 64 KiB and hands each to `write`. The CLI's stdout writes each
 * chunk whole before it returns, to files, pipes and terminals alike (main.ts), so at most one
 * chunk is held at a time.
 */
export class ChunkedWriter {
  // Appended to one string (V8 joins appends lazily, without copying each time), written when long enough.
  private text = '';

  constructor(private readonly write: (text: string) => void) {}

  push(text: string): void {
    this.text += text;
    if (this.text.length >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.text.length === 0) return;
    this.write(this.text);
    this.text = '';
  }
}

/** Bytes of one chunk of encoded lines. */
const CHUNK_BYTES = 1 << 16;
/**
 * Lines of UTF-8 bytes gathered into chunks of about 64 KiB, each handed to `write` whole: a chunk
 * ends where a line ends, so it decodes to whole characters. Each chunk is a new buffer, which the
 * writer never touches again (a stream that writes asynchronously keeps what it was given), unless
 * `room` gives the buffers to fill: then each chunk fills one (the CLI's stdout reuses one buffer,
 * which its output queue copies whole: no chunk allocated and zeroed per 64 KiB).
 */
export class LineBytesWriter {
  // Empty until the first line, and again after each write: a chunk is allocated when a line needs one.
  private chunk: Uint8Array = new Uint8Array(0);
  private used = 0;

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    private readonly room: (length: number) => Uint8Array = (length) => new Uint8Array(length),
  ) {}

  /** Appends one line made of three encoded pieces (the last ends with the line break). */
  line(a: Uint8Array, b: Uint8Array, c: Uint8Array): void {
    const length = a.length + b.length + c.length;
    if (this.used + length > this.chunk.length) this.startChunk(length);
    this.used = joinLine(this.chunk, this.used, a, b, c);
  }

  flush(): void {
    if (this.used === 0) return;
    this.write(this.chunk.subarray(0, this.used));
    this.chunk = new Uint8Array(0);
    this.used = 0;
  }

  /** Writes what the chunk holds and starts one with room for `length` bytes (a longer line gets one of its own size). */
  private startChunk(length: number): void {
    this.flush();
    this.chunk = this.room(Math.max(CHUNK_BYTES, length));
  }
}

/** Where flows go: text, or bytes when the destination takes them (the CLI's stdout). */
export interface FlowSink {
  text(text: string): void;
  /** Absent: bytes are decoded and handed to `text`. */
  bytes?(bytes: Uint8Array): void;
  /**
   * A buffer of `length` bytes or more for `bytes` to be handed (a prefix of it), once filled; the
   * sink is done with it when `bytes` returns. Absent: each chunk is a new buffer.
   */
  room?(length: number): Uint8Array;
  /**
   * Lines of numbered pieces, for the formats of millions of lines (text, jsonl): the CLI's stdout
   * joins them on its output thread. Absent: lines are joined into chunks for `bytes` (or `text`).
   */
  lines?(): PieceLines;
}

type AnyEndpoint = Flow['from'] | NamespaceEndpoint;
type Ports = Flow['ports'];

/**
 * Flows as a writer reads them: each by numbers (endpoint and port keys), and the object of each
 * key. The engine's listings are such (`analysis.flowListing()`); `flowRowsOf` makes one of flow objects.
 */
export interface FlowRows {
  readonly table: { endpoint(key: number): AnyEndpoint; ports(key: number): Ports };
  forEach(visit: FlowVisitor): void;
}

/** Flows to write: a function, because the DOT writer reads them twice (nodes first, then edges). */
export type FlowList = () => FlowRows;

/** Flow objects as rows: each distinct endpoint and port object gets a key of its own. */
export function flowRowsOf(flows: Iterable<Flow | AggregatedFlow>): FlowRows {
  const objects: object[] = [];
  const keys = new Map<object, number>();
  const key = (value: object): number => {
    let k = keys.get(value);
    if (k === undefined) {
      k = objects.push(value) - 1;
      keys.set(value, k);
    }
    return k;
  };
  return {
    table: { endpoint: (k) => objects[k] as AnyEndpoint, ports: (k) => objects[k] as Ports },
    forEach(visit) {
      for (const flow of flows) visit(key(flow.from), key(flow.to), key(flow.ports));
    },
  };
}

/** Text of each key rendered once: a listing of millions of flows names a few thousand endpoints and port lists. */
class RenderedByKey<T, R> {
  private readonly texts: (R | undefined)[] = [];

  constructor(
    private readonly value: (key: number) => T,
    private readonly render: (value: T) => R,
  ) {}

  of(key: number): R {
    return (this.texts[key] ??= this.render(this.value(key)));
  }
}

/**
 * The piece number of each key, given out on first use: an Int32Array read per endpoint of a line
 * (three per line, millions of lines), not a holey array of boxed values.
 */
class PieceByKey<T> {
  private ids = new Int32Array(1 << 10).fill(-1);

  constructor(
    private readonly value: (key: number) => T,
    private readonly piece: (value: T) => number,
  ) {}

  of(key: number): number {
    const ids = this.ids;
    if (key < ids.length) {
      const id = ids[key];
      if (id >= 0) return id;
    }
    return this.numbered(key);
  }

  private numbered(key: number): number {
    if (key >= this.ids.length) {
      const grown = new Int32Array(Math.max(2 * this.ids.length, key + 1)).fill(-1);
      grown.set(this.ids);
      this.ids = grown;
    }
    return (this.ids[key] = this.piece(this.value(key)));
  }
}

const json = (value: object): string => JSON.stringify(value);
// JSON.stringify(flow, null, 2) with every line indented four more spaces: values sit at depth 1, plus 4.
const prettyValue = (value: object): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n      ');

/** A listing's endpoints, each rendered once by `render`. */
const endpointTexts = <R>(rows: FlowRows, render: (e: AnyEndpoint) => R) => new RenderedByKey((k) => rows.table.endpoint(k), render);
/** A listing's port lists, each rendered once by `render`. */
const portTexts = <R>(rows: FlowRows, render: (p: Ports) => R) => new RenderedByKey((k) => rows.table.ports(k), render);

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function dotEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A quoted DOT string; a line break becomes DOT's `\n`. */
function dotId(text: string): string {
  return `"${dotEscape(text)}"`;
}

/** One row per flow, protocol and port range: `from,to,protocol,port_from,port_to`. */
function writeCsv(rows: FlowRows, out: ChunkedWriter): void {
  const endpoint = endpointTexts(rows, (e) => csvField(formatEndpoint(e)));
  // Per port list, the end of each of its rows: `,protocol,port_from,port_to`.
  const ports = portTexts(rows, (list) => list.flatMap((p) => p.ranges.map(([lo, hi]) => `,${p.protocol},${lo},${hi}\n`)));
  out.push('from,to,protocol,port_from,port_to\n');
  rows.forEach((from, to, p) => {
    const pair = `${endpoint.of(from)},${endpoint.of(to)}`;
    for (const row of ports.of(p)) out.push(pair + row);
  });
}

/** `{"flows": [...]}` as JSON.stringify(…, null, 2) would print it, one flow at a time. */
function writeJson(rows: FlowRows, out: ChunkedWriter): void {
  const endpoint = endpointTexts(rows, prettyValue);
  const portList = portTexts(rows, prettyValue);
  let first = true;
  rows.forEach((from, to, ports) => {
    out.push(`${first ? '{\n  "flows": [\n    ' : ',\n    '}{\n      "from": ${endpoint.of(from)},\n      "to": ${endpoint.of(to)},\n      "ports": ${portList.of(ports)}\n    }`);
    first = false;
  });
  out.push(first ? '{\n  "flows": []\n}\n' : '\n  ]\n}\n');
}

/** A Markdown table cell holding code: backticks for the value, pipes escaped. */
export function markdownCode(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

/** A Markdown table for a pull-request comment, a row per flow: `| from | to | ports |`. */
function writeMarkdown(rows: FlowRows, out: ChunkedWriter): void {
  const endpoint = endpointTexts(rows, (e) => markdownCode(formatEndpoint(e)));
  const portList = portTexts(rows, formatPorts);
  let count = 0;
  out.push('| From | To | Ports |\n| --- | --- | --- |\n');
  rows.forEach((from, to, ports) => {
    out.push(`| ${endpoint.of(from)} | ${endpoint.of(to)} | ${portList.of(ports)} |\n`);
    count++;
  });
  if (count === 0) out.push('| _no flow_ | | |\n');
}

/**
 * A Graphviz digraph: one cluster per namespace with its workloads as boxes (also those without
 * any flow) and, in aggregated output, `ns/*` for all of them; external address ranges as
 * ellipses; one edge per flow labelled with its ports. Nodes come first, so the flows are read
 * twice.
 */
function writeDot(flows: FlowList, workloads: readonly WorkloadEndpoint[], out: ChunkedWriter): void {
  const byNamespace = new Map<string, Map<string, WorkloadEndpoint | NamespaceEndpoint>>();
  const external = new Set<string>();
  const addNode = (w: WorkloadEndpoint | NamespaceEndpoint): void => {
    let members = byNamespace.get(w.namespace);
    if (!members) {
      members = new Map();
      byNamespace.set(w.namespace, members);
    }
    members.set(formatEndpoint(w), w);
  };
  for (const w of workloads) addNode(w);
  const nodes = flows();
  const seen = new Set<number>();
  const node = (key: number): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const e = nodes.table.endpoint(key);
    if (e.kind === 'cidr') external.add(formatEndpoint(e));
    else addNode(e);
  };
  nodes.forEach((from, to) => {
    node(from);
    node(to);
  });
  out.push('digraph palisade {\n  rankdir=LR;\n  node [shape=box, fontname="Helvetica"];\n  edge [fontname="Helvetica", fontsize=10];\n');
  [...byNamespace.keys()].sort().forEach((ns, i) => {
    out.push(`  subgraph cluster_${i} {\n    label=${dotId(ns)};\n`);
    const members = byNamespace.get(ns) as Map<string, WorkloadEndpoint | NamespaceEndpoint>;
    for (const id of [...members.keys()].sort()) {
      const w = members.get(id) as WorkloadEndpoint | NamespaceEndpoint;
      out.push(`    ${dotId(id)} [label=${dotId(w.kind === 'namespace' ? '*\nall workloads' : `${w.name}\n${w.workloadKind}`)}];\n`);
    }
    out.push('  }\n');
  });
  for (const id of [...external].sort()) out.push(`  ${dotId(id)} [shape=ellipse];\n`);
  const edges = flows();
  const endpoint = endpointTexts(edges, (e) => dotId(formatEndpoint(e)));
  const label = portTexts(edges, (p) => dotId(formatPorts(p)));
  edges.forEach((from, to, ports) => out.push(`  ${endpoint.of(from)} -> ${endpoint.of(to)} [label=${label.of(ports)}];\n`));
  out.push('}\n');
}

/**
 * Writes flows in one of FLOW_FORMATS to `sink` (or a function taking text), a chunk at a time:
 * text is one `formatFlow` line per flow, jsonl one JSON flow per line, json `{"flows": [...]}`,
 * csv one row per port range, md a Markdown table. Each endpoint and port list is rendered once,
 * by key; text and jsonl, the formats of millions of lines, go as piece lines when the sink takes
 * them (each line three piece numbers), else as UTF-8 bytes when it takes those. `workloads` are
 * the DOT nodes drawn even without flows.
 */
export function writeFlows(flows: FlowList, format: FlowFormat, sink: FlowSink | ((text: string) => void), workloads: readonly WorkloadEndpoint[] = []): void {
  const write = typeof sink === 'function' ? sink : (text: string) => sink.text(text);
  const bytes = typeof sink === 'function' ? undefined : sink.bytes?.bind(sink);
  if (format === 'text' || format === 'jsonl') {
    // One line per flow from three pieces, each encoded once per key: `from => `, `to`, ` : ports\n` (text) or
    // the JSON object's parts (jsonl). Bytes are copied into chunks: no string per line.
    const rows = flows();
    const text = format === 'text';
    // Buffer.from takes small strings' bytes from a shared pool: several times as fast as TextEncoder's
    // encode, which gives each its own ArrayBuffer (tens of thousands of keys in a long listing).
    const utf8 = (piece: string): Uint8Array => Buffer.from(piece, 'utf8');
    const fromPiece = (e: AnyEndpoint): Uint8Array => utf8(text ? `${formatEndpoint(e)} => ` : `{"from":${json(e)},"to":`);
    const toPiece = (e: AnyEndpoint): Uint8Array => utf8(text ? formatEndpoint(e) : json(e));
    const tailPiece = (p: Ports): Uint8Array => utf8(text ? ` : ${formatPorts(p)}\n` : `,"ports":${json(p)}}\n`);
    const lines = typeof sink === 'function' ? undefined : sink.lines?.();
    if (lines) {
      // Each piece numbered once; a line is three numbers, joined where the sink writes.
      const endpoint = (k: number) => rows.table.endpoint(k);
      const from = new PieceByKey(endpoint, (e) => lines.piece(fromPiece(e)));
      const to = new PieceByKey(endpoint, (e) => lines.piece(toPiece(e)));
      const tail = new PieceByKey((k) => rows.table.ports(k), (p) => lines.piece(tailPiece(p)));
      rows.forEach((f, t, p) => lines.line(from.of(f), to.of(t), tail.of(p)));
      lines.end();
      return;
    }
    const from = endpointTexts(rows, fromPiece);
    const to = endpointTexts(rows, toPiece);
    const tail = portTexts(rows, tailPiece);
    // Chunks end at line ends, so each decodes alone; a leading U+FEFF is text, not a byte-order mark.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const out = bytes ? new LineBytesWriter(bytes, typeof sink === 'function' ? undefined : sink.room?.bind(sink)) : new LineBytesWriter((b) => write(decoder.decode(b)));
    rows.forEach((f, t, p) => out.line(from.of(f), to.of(t), tail.of(p)));
    out.flush();
    return;
  }
  const out = new ChunkedWriter(write);
  switch (format) {
    case 'json':
      writeJson(flows(), out);
      break;
    case 'csv':
      writeCsv(flows(), out);
      break;
    case 'dot':
      writeDot(flows, workloads, out);
      break;
    case 'md':
      writeMarkdown(flows(), out);
      break;
  }
  out.flush();
}

/** Renders flows in one of FLOW_FORMATS as one string (for short lists: `writeFlows` streams). */
export function formatFlows(flows: readonly (Flow | AggregatedFlow)[], format: FlowFormat, workloads: readonly WorkloadEndpoint[] = []): string {
  const parts: string[] = [];
  writeFlows(() => flowRowsOf(flows), format, (text) => parts.push(text), workloads);
  return parts.join('');
}
