import {
  type AnalysisOptions,
  type Inventory,
  type InventoryPod,
  type InventoryPodPort,
  type NetworkPolicy,
  parseNetworkPolicies,
  type Protocol,
  type ReachQuery,
} from '@palisade/netpol-engine';

import { CliException } from '../cli.exception';

/** The `palisade reach --input FILE` document, validated. */
export interface ReachInput {
  inventory: Inventory;
  policies: NetworkPolicy[];
  queries: ReachQuery[];
  options: AnalysisOptions;
}

const TOP_LEVEL_KEYS = new Set(['namespaces', 'pods', 'policies', 'queries', 'options']);
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects `path: message` problems while reading the document. */
class Reader {
  readonly errors: string[] = [];

  fail(path: string, message: string): undefined {
    this.errors.push(`${path}: ${message}`);
    return undefined;
  }

  object(value: unknown, path: string): Json | undefined {
    return isObject(value) ? value : this.fail(path, 'must be an object');
  }

  list(value: unknown, path: string, required: boolean): unknown[] | undefined {
    if (value === undefined && !required) return [];
    return Array.isArray(value) ? value : this.fail(path, value === undefined ? 'is required' : 'must be a list');
  }

  string(value: unknown, path: string): string | undefined {
    if (value === undefined) return this.fail(path, 'is required');
    return typeof value === 'string' && value !== '' ? value : this.fail(path, 'must be a non-empty string');
  }

  labels(value: unknown, path: string): Record<string, string> | undefined {
    if (value === undefined || value === null) return {};
    if (!isObject(value)) return this.fail(path, 'must be an object of string values');
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') return this.fail(`${path}.${k}`, 'must be a string');
    return value as Record<string, string>;
  }

  port(value: unknown, path: string): number | undefined {
    if (value === undefined) return this.fail(path, 'is required');
    return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535 ? (value as number) : this.fail(path, 'must be an integer from 1 to 65535');
  }

  protocol(value: unknown, path: string): Protocol | undefined {
    if (value === undefined) return 'TCP';
    return PROTOCOLS.includes(value as Protocol) ? (value as Protocol) : this.fail(path, `must be one of ${PROTOCOLS.join(', ')}`);
  }
}

function readPod(r: Reader, value: unknown, path: string): InventoryPod | undefined {
  const pod = r.object(value, path);
  if (!pod) return undefined;
  const namespace = r.string(pod['namespace'], `${path}.namespace`);
  const name = r.string(pod['name'], `${path}.name`);
  const labels = r.labels(pod['labels'], `${path}.labels`);
  let ip: string | undefined;
  if (pod['ip'] !== undefined && pod['ip'] !== null && pod['ip'] !== '') ip = r.string(pod['ip'], `${path}.ip`);
  const ports: InventoryPodPort[] = [];
  (r.list(pod['ports'], `${path}.ports`, false) ?? []).forEach((p, i) => {
    const portPath = `${path}.ports[${i}]`;
    const o = r.object(p, portPath);
    if (!o) return;
    const port = r.port(o['port'], `${portPath}.port`);
    const protocol = r.protocol(o['protocol'], `${portPath}.protocol`);
    const portName = o['name'] === undefined ? undefined : r.string(o['name'], `${portPath}.name`);
    if (port !== undefined && protocol !== undefined) ports.push({ ...(portName === undefined ? {} : { name: portName }), port, protocol });
  });
  let workload: InventoryPod['workload'];
  if (pod['workload'] !== undefined && pod['workload'] !== null) {
    const w = r.object(pod['workload'], `${path}.workload`);
    const kind = w && r.string(w['kind'], `${path}.workload.kind`);
    const workloadName = w && r.string(w['name'], `${path}.workload.name`);
    if (kind && workloadName) workload = { kind, name: workloadName };
  }
  if (!namespace || !name || !labels) return undefined;
  return { namespace, name, labels, ...(ip === undefined ? {} : { ip }), ports, ...(workload ? { workload } : {}) };
}

/**
 * Validates the JSON of `palisade reach --input`. Every problem is reported with the file and the
 * JSON path (`pods[2].ports[0].port: must be an integer from 1 to 65535`); policies are validated like
 * everywhere else (`policies[1]: spec.egress[0].ports[0].port: …`).
 */
export function readReachInput(text: string, file: string): ReachInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw CliException.input(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const r = new Reader();
  const root = r.object(doc, '(document)') ?? {};
  for (const key of Object.keys(root)) if (!TOP_LEVEL_KEYS.has(key)) r.fail(key, `unknown field (expected ${[...TOP_LEVEL_KEYS].join(', ')})`);

  const namespaces: Inventory['namespaces'] = [];
  (r.list(root['namespaces'], 'namespaces', false) ?? []).forEach((value, i) => {
    const ns = r.object(value, `namespaces[${i}]`);
    if (!ns) return;
    const name = r.string(ns['name'], `namespaces[${i}].name`);
    const labels = r.labels(ns['labels'], `namespaces[${i}].labels`);
    if (name && labels) namespaces.push({ name, labels });
  });
  const pods: InventoryPod[] = [];
  (r.list(root['pods'], 'pods', false) ?? []).forEach((value, i) => {
    const pod = readPod(r, value, `pods[${i}]`);
    if (pod) pods.push(pod);
  });
  const queries: ReachQuery[] = [];
  (r.list(root['queries'], 'queries', true) ?? []).forEach((value, i) => {
    const q = r.object(value, `queries[${i}]`);
    if (!q) return;
    const from = r.string(q['from'], `queries[${i}].from`);
    const to = r.string(q['to'], `queries[${i}].to`);
    const port = r.port(q['port'], `queries[${i}].port`);
    const protocol = r.protocol(q['protocol'], `queries[${i}].protocol`);
    if (from && to && port !== undefined && protocol) queries.push({ from, to, port, protocol });
  });
  const options: AnalysisOptions = {};
  if (root['options'] !== undefined) {
    const o = r.object(root['options'], 'options');
    const value = o?.['ipBlockMatchesPodIps'];
    if (value !== undefined && typeof value !== 'boolean') r.fail('options.ipBlockMatchesPodIps', 'must be true or false');
    else if (value !== undefined) options.ipBlockMatchesPodIps = value;
  }

  let policies: NetworkPolicy[] = [];
  const policyValues = r.list(root['policies'], 'policies', false) ?? [];
  const parsed = parseNetworkPolicies(policyValues, { source: file });
  if (parsed.ok) policies = parsed.policies;
  else for (const e of parsed.errors) r.errors.push(`policies[${e.document - 1}]${e.path ? `.${e.path}` : ''}: ${e.message}`);

  if (r.errors.length > 0) {
    throw CliException.input(`${file}: invalid reach input: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`, r.errors.map((e) => `${file}: ${e}`));
  }
  return { inventory: { namespaces, pods }, policies, queries, options };
}
