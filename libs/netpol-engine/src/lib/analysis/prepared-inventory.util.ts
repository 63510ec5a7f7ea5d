import { AnalysisErrorCode, AnalysisException } from './analysis.exception';
import { groupByKey } from './group-by-key.util';
import { parseIp, V4_BASE } from './ip-address.util';
import type { Labels } from './label-selector.util';
import type { Inventory, WorkloadEndpoint } from './model.type';
import type { PortSetTable } from './port-set.util';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface PreparedNamespace {
  id: number;
  name: string;
  labels: Labels;
}

/** One pod, materialized on demand (explain, reach) from the columnar storage. */
export interface PreparedPod {
  id: number;
  nsId: number;
  name: string;
  labels: Labels;
  ip: bigint | undefined;
  portMapId: number;
  workloadId: number;
}

export interface PreparedWorkload {
  id: number;
  nsId: number;
  endpoint: WorkloadEndpoint;
}

/**
 * `namespace/kind/name`, stable across analyses (to match workloads of two inventories). Built
 * when asked: kept per workload, the joined texts were 110,000 strings per analysis of 25,000 workloads.
 */
export function workloadKey(w: PreparedWorkload): string {
  return `${w.endpoint.namespace}/${w.endpoint.workloadKind}/${w.endpoint.name}`;
}

/**
 * An inventory with ids: namespaces and workloads numbered in name order, IPs parsed, pods
 * stored column by column (100k pod objects would only feed the garbage collector).
 */
export class PreparedInventory {
  readonly namespaces: PreparedNamespace[];
  readonly namespaceByName: Map<string, number>;
  readonly workloads: PreparedWorkload[];
  readonly podCount: number;
  readonly podNs: Int32Array;
  readonly podWorkload: Int32Array;
  readonly podPortMap: Int32Array;
  readonly podLabels: Labels[];
  readonly podIp: (bigint | undefined)[];
  private podsByNs?: { offsets: Int32Array; ids: Int32Array; names: (Map<string, number> | undefined)[] };

  /**
   * Numbers namespaces, pods and workloads. Namespaces used by pods but not listed are added
   * with no labels; every namespace gets its `kubernetes.io/metadata.name` label.
   */
  constructor(
    readonly source: Inventory,
    ports: PortSetTable,
  ) {
    const namespaceLabels = new Map<string, Record<string, string>>();
    // Indexed loops: this constructor runs once per analysis, mostly before it is optimized, where
    // a for-of over 100,000 pods allocates an iterator result per pod.
    for (let i = 0; i < source.namespaces.length; i++) {
      const ns = source.namespaces[i];
      namespaceLabels.set(ns.name, { ...(ns.labels ?? {}) });
    }
    // A pod in the namespace of the pod before it needs no lookup (pods mostly come namespace by namespace).
    let lastListed: string | undefined;
    for (let i = 0; i < source.pods.length; i++) {
      const namespace = source.pods[i].namespace;
      if (namespace === lastListed) continue;
      lastListed = namespace;
      if (!namespaceLabels.has(namespace)) namespaceLabels.set(namespace, {});
    }
    const names = [...namespaceLabels.keys()].sort(compareText);
    this.namespaceByName = new Map();
    this.namespaces = names.map((name, id) => {
      this.namespaceByName.set(name, id);
      const labels = namespaceLabels.get(name) as Record<string, string>;
      labels[NAMESPACE_NAME_LABEL] = name;
      return { id, name, labels };
    });

    const pods = source.pods;
    const count = pods.length;
    this.podCount = count;
    this.podNs = new Int32Array(count);
    this.podWorkload = new Int32Array(count);
    this.podPortMap = new Int32Array(count);
    this.podLabels = new Array(count);
    this.podIp = new Array(count);
    // Nested maps (namespace → kind → name) look workloads up without building a key per pod.
    const workloadIds: Map<string, Map<string, number>>[] = new Array(this.namespaces.length);
    const found: { nsId: number; kind: string; name: string }[] = [];
    const noLabels: Labels = {};
    // Pods come workload by workload: one like the pod before it is looked up no further.
    let previousNs: string | undefined;
    let previousNsId = -1;
    let previousKind: string | undefined;
    let previousName: string | undefined;
    let previousWorkload = -1;
    for (let i = 0; i < count; i++) {
      const pod = pods[i];
      const nsId = previousNsId >= 0 && pod.namespace === previousNs ? previousNsId : (this.namespaceByName.get(pod.namespace) as number);
      previousNs = pod.namespace;
      const kind = pod.workload?.kind ?? 'Pod';
      const name = pod.workload?.name ?? pod.name;
      let workload: number | undefined;
      if (nsId === previousNsId && kind === previousKind && name === previousName) workload = previousWorkload;
      else {
        let kinds = workloadIds[nsId];
        if (!kinds) {
          kinds = new Map();
          workloadIds[nsId] = kinds;
        }
        let names = kinds.get(kind);
        if (!names) {
          names = new Map();
          kinds.set(kind, names);
        }
        workload = names.get(name);
        if (workload === undefined) {
          workload = found.length;
          names.set(name, workload);
          found.push({ nsId, kind, name });
        }
      }
      previousNsId = nsId;
      previousKind = kind;
      previousName = name;
      previousWorkload = workload;
      this.podNs[i] = nsId;
      this.podWorkload[i] = workload;
      this.podLabels[i] = pod.labels ?? noLabels;
      this.podPortMap[i] = pod.ports && pod.ports.length > 0 ? ports.portMap(pod.ports) : 0;
      if (pod.ip !== undefined && pod.ip !== '') {
        const ip = parseIpFast(pod.ip);
        if (ip === undefined) throw new AnalysisException(AnalysisErrorCode.INVALID_POD_IP, `pod ${pod.namespace}/${pod.name}: "${pod.ip}" is not an IP address`);
        this.podIp[i] = ip;
      }
    }
    // Workloads are numbered in (namespace, kind, name) order so that output is sorted by id.
    const byName = (a: number, b: number): number => found[a].nsId - found[b].nsId || compareText(found[a].kind, found[b].kind) || compareText(found[a].name, found[b].name);
    const order = found.map((_, i) => i);
    // Inputs listed in that order already (most are) skip the sort.
    let sorted = true;
    for (let i = 1; i < order.length && sorted; i++) sorted = byName(i - 1, i) < 0;
    if (!sorted) order.sort(byName);
    const renumber = new Int32Array(found.length);
    this.workloads = order.map((old, id) => {
      renumber[old] = id;
      const w = found[old];
      const namespace = this.namespaces[w.nsId].name;
      return { id, nsId: w.nsId, endpoint: { kind: 'workload', namespace, workloadKind: w.kind, name: w.name } };
    });
    for (let i = 0; i < count; i++) this.podWorkload[i] = renumber[this.podWorkload[i]];
  }

  /** The pod id of `namespace/name`, or undefined (a namespace's name index is built on first use). */
  podId(key: string): number | undefined {
    const slash = key.indexOf('/');
    const nsId = slash < 0 ? undefined : this.namespaceByName.get(key.slice(0, slash));
    if (nsId === undefined) return undefined;
    if (!this.podsByNs) {
      const { start: offsets, order: ids } = groupByKey(this.podNs, this.namespaces.length);
      this.podsByNs = { offsets, ids, names: new Array(this.namespaces.length) };
    }
    const index = this.podsByNs;
    let names = index.names[nsId];
    if (!names) {
      names = new Map();
      for (let k = index.offsets[nsId]; k < index.offsets[nsId + 1]; k++) {
        const id = index.ids[k];
        const name = this.source.pods[id].name;
        if (names.has(name)) throw new AnalysisException(AnalysisErrorCode.DUPLICATE_POD, `pod ${this.namespaces[nsId].name}/${name} is listed twice`);
        names.set(name, id);
      }
      index.names[nsId] = names;
    }
    return names.get(key.slice(slash + 1));
  }

  pod(id: number): PreparedPod {
    return {
      id,
      nsId: this.podNs[id],
      name: this.source.pods[id].name,
      labels: this.podLabels[id],
      ip: this.podIp[id],
      portMapId: this.podPortMap[id],
      workloadId: this.podWorkload[id],
    };
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Dotted IPv4 without regular expressions (100k pods); anything else goes to `parseIp`. */
function parseIpFast(text: string): bigint | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return parseIp(text);
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return parseIp(text);
  }
  if (dots !== 3 || digits === 0) return parseIp(text);
  return V4_BASE + BigInt(value * 256 + octet);
}
