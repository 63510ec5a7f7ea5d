import { type Flow, formatEndpoint, formatFlow, formatPorts, type WorkloadEndpoint } from '@palisade/netpol-engine';

export const FLOW_FORMATS = ['text', 'json', 'csv', 'dot'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per flow, protocol and port range: `from,to,protocol,port_from,port_to`. */
export function flowsToCsv(flows: readonly Flow[]): string {
  const rows = ['from,to,protocol,port_from,port_to'];
  for (const flow of flows) {
    const from = csvField(formatEndpoint(flow.from));
    const to = csvField(formatEndpoint(flow.to));
    for (const p of flow.ports) for (const [lo, hi] of p.ranges) rows.push(`${from},${to},${p.protocol},${lo},${hi}`);
  }
  return `${rows.join('\n')}\n`;
}

function dotEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A quoted DOT string; a line break becomes DOT's `\n`. */
function dotId(text: string): string {
  return `"${dotEscape(text)}"`;
}

/**
 * A Graphviz digraph: one cluster per namespace with its workloads as boxes (also those without
 * any flow), external address ranges as ellipses, and one edge per flow labelled with its ports.
 */
export function flowsToDot(flows: readonly Flow[], workloads: readonly WorkloadEndpoint[]): string {
  const byNamespace = new Map<string, Map<string, WorkloadEndpoint>>();
  const external = new Set<string>();
  const addWorkload = (w: WorkloadEndpoint): void => {
    const list = byNamespace.get(w.namespace) ?? new Map<string, WorkloadEndpoint>();
    list.set(formatEndpoint(w), w);
    byNamespace.set(w.namespace, list);
  };
  for (const w of workloads) addWorkload(w);
  for (const flow of flows) {
    for (const e of [flow.from, flow.to]) {
      if (e.kind === 'workload') addWorkload(e);
      else external.add(formatEndpoint(e));
    }
  }
  const lines = ['digraph palisade {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const namespaces = [...byNamespace.keys()].sort();
  namespaces.forEach((ns, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${dotId(ns)};`);
    const members = byNamespace.get(ns) as Map<string, WorkloadEndpoint>;
    for (const id of [...members.keys()].sort()) {
      const w = members.get(id) as WorkloadEndpoint;
      lines.push(`    ${dotId(id)} [label=${dotId(`${w.name}\n${w.workloadKind}`)}];`);
    }
    lines.push('  }');
  });
  for (const id of [...external].sort()) lines.push(`  ${dotId(id)} [shape=ellipse];`);
  for (const flow of flows) lines.push(`  ${dotId(formatEndpoint(flow.from))} -> ${dotId(formatEndpoint(flow.to))} [label=${dotId(formatPorts(flow.ports))}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Renders flows in one of FLOW_FORMATS; text is one `formatFlow` line per flow. */
export function formatFlows(flows: readonly Flow[], format: FlowFormat, workloads: readonly WorkloadEndpoint[] = []): string {
  switch (format) {
    case 'text':
      return flows.map((f) => `${formatFlow(f)}\n`).join('');
    case 'json':
      return `${JSON.stringify({ flows }, null, 2)}\n`;
    case 'csv':
      return flowsToCsv(flows);
    case 'dot':
      return flowsToDot(flows, workloads);
  }
}
