import { type AggregatedFlow, type Flow, formatEndpoint, formatPorts, type NamespaceEndpoint, type WorkloadEndpoint } from '@palisade/netpol-engine';

export const FLOW_FORMATS = ['text', 'json', 'jsonl', 'csv', 'dot', 'md'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

/** Flows to write: a function, because the DOT writer reads them twice (nodes first, then edges). */
export type FlowList = () => Iterable<Flow | AggregatedFlow>;

/** Bytes of text gathered before one write: few writes, and memory bounded whatever the flow count. */
const CHUNK_CHARS = 1 << 16;

/**
 * Gathers text into chunks of about 64 KiB and hands each to `write`. The CLI's stdout writes
 * synchronously to files, pipes and terminals, so at most one chunk is held at a time.
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

/**
 * Text of a value built once per object: the engine's flows share their endpoint objects (one
 * per workload or address group) and their port lists (one per port set), so a listing of
 * millions of flows renders each a few thousand times at most. Other objects simply miss.
 */
class RenderedOnce<T extends object> {
  private readonly cache = new WeakMap<T, string>();
  // The last value asked for: consecutive flows mostly share their source and their ports.
  private lastValue: T | undefined;
  private lastText = '';

  constructor(private readonly render: (value: T) => string) {}

  of(value: T): string {
    if (value === this.lastValue) return this.lastText;
    let text = this.cache.get(value);
    if (text === undefined) {
      text = this.render(value);
      this.cache.set(value, text);
    }
    this.lastValue = value;
    this.lastText = text;
    return text;
  }
}

type AnyEndpoint = Flow['from'] | NamespaceEndpoint;
type Ports = Flow['ports'];

const json = (value: object): string => JSON.stringify(value);
// JSON.stringify(flow, null, 2) with every line indented four more spaces: values sit at depth 1, plus 4.
const prettyValue = (value: object): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n      ');

/** The three parts of a flow rendered in one format for one listing; sources and destinations apart, so each keeps its own last value. */
function flowParts(endpoint: (e: AnyEndpoint) => string, ports: (p: Ports) => string) {
  return { from: new RenderedOnce(endpoint), to: new RenderedOnce(endpoint), ports: new RenderedOnce(ports) };
}

/** Whether `JSON.stringify(flow)` is `{"from":…,"to":…,"ports":…}`: exactly those keys, in that order. */
function plainFlow(flow: Flow | AggregatedFlow): boolean {
  let i = 0;
  for (const key in flow) {
    if (key !== (i === 0 ? 'from' : i === 1 ? 'to' : i === 2 ? 'ports' : '')) return false;
    i++;
  }
  return i === 3;
}

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
function writeCsv(flows: Iterable<Flow | AggregatedFlow>, out: ChunkedWriter): void {
  const csvEndpoint = new RenderedOnce<AnyEndpoint>((e) => csvField(formatEndpoint(e)));
  out.push('from,to,protocol,port_from,port_to\n');
  for (const flow of flows) {
    const from = csvEndpoint.of(flow.from);
    const to = csvEndpoint.of(flow.to);
    for (const p of flow.ports) for (const [lo, hi] of p.ranges) out.push(`${from},${to},${p.protocol},${lo},${hi}\n`);
  }
}

/** `{"flows": [...]}` as JSON.stringify(…, null, 2) would print it, one flow at a time. */
function writeJson(flows: Iterable<Flow | AggregatedFlow>, out: ChunkedWriter): void {
  const r = flowParts(prettyValue, prettyValue);
  let first = true;
  for (const flow of flows) {
    const text = plainFlow(flow)
      ? `{\n      "from": ${r.from.of(flow.from)},\n      "to": ${r.to.of(flow.to)},\n      "ports": ${r.ports.of(flow.ports)}\n    }`
      : JSON.stringify(flow, null, 2).replace(/\n/g, '\n    ');
    out.push(`${first ? '{\n  "flows": [\n    ' : ',\n    '}${text}`);
    first = false;
  }
  out.push(first ? '{\n  "flows": []\n}\n' : '\n  ]\n}\n');
}

/** A Markdown table cell holding code: backticks for the value, pipes escaped. */
export function markdownCode(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

/** A Markdown table for a pull-request comment, a row per flow: `| from | to | ports |`. */
function writeMarkdown(flows: Iterable<Flow | AggregatedFlow>, out: ChunkedWriter): void {
  const r = flowParts((e) => markdownCode(formatEndpoint(e)), formatPorts);
  let rows = 0;
  out.push('| From | To | Ports |\n| --- | --- | --- |\n');
  for (const flow of flows) {
    out.push(`| ${r.from.of(flow.from)} | ${r.to.of(flow.to)} | ${r.ports.of(flow.ports)} |\n`);
    rows++;
  }
  if (rows === 0) out.push('| _no flow_ | | |\n');
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
  for (const flow of flows()) {
    for (const e of [flow.from, flow.to]) {
      if (e.kind === 'cidr') external.add(formatEndpoint(e));
      else addNode(e);
    }
  }
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
  for (const flow of flows()) out.push(`  ${dotId(formatEndpoint(flow.from))} -> ${dotId(formatEndpoint(flow.to))} [label=${dotId(formatPorts(flow.ports))}];\n`);
  out.push('}\n');
}

/**
 * Writes flows in one of FLOW_FORMATS through `write`, a chunk at a time: text is one `formatFlow`
 * line per flow, jsonl one JSON flow per line, json `{"flows": [...]}`, csv one row per port range,
 * md a Markdown table.
 * `workloads` are the DOT nodes drawn even without flows.
 */
export function writeFlows(flows: FlowList, format: FlowFormat, write: (text: string) => void, workloads: readonly WorkloadEndpoint[] = []): void {
  const out = new ChunkedWriter(write);
  switch (format) {
    case 'text': {
      // formatFlow's text, from texts rendered once per endpoint and port list.
      const r = flowParts(formatEndpoint, formatPorts);
      for (const flow of flows()) out.push(`${r.from.of(flow.from)} => ${r.to.of(flow.to)} : ${r.ports.of(flow.ports)}\n`);
      break;
    }
    case 'jsonl': {
      const r = flowParts(json, json);
      for (const flow of flows()) out.push(plainFlow(flow) ? `{"from":${r.from.of(flow.from)},"to":${r.to.of(flow.to)},"ports":${r.ports.of(flow.ports)}}\n` : `${JSON.stringify(flow)}\n`);
      break;
    }
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
  writeFlows(() => flows, format, (text) => parts.push(text), workloads);
  return parts.join('');
}
