import type { LabelSelector } from '../manifest';
import { ClassSet } from './class-set.util';
import { type AddressSet, V4_BASE } from './ip-address.util';
import { hashLabels, mix, sameLabels } from './hash.util';
import { type Labels, selectorKey, selectorMatches } from './label-selector.util';
import type { PreparedInventory } from './prepared-inventory.util';

const NO_IDS = new Int32Array(0);

/**
 * Pod equivalence classes: pods that no policy can tell apart share a class. Two pods are in
 * one class when they have the same namespace, the same labels, the same named ports and,
 * when ipBlocks match pod IPs, IPs in the same atom of the address partition induced by
 * every ipBlock boundary (so every ipBlock contains all of a class's pods or none).
 * Classes are numbered namespace by namespace, so a namespace's classes are one id range.
 */
export class ClassLayout {
  readonly count: number;
  readonly classNs: Int32Array;
  readonly classLabels: Labels[];
  readonly classPortMap: Int32Array;
  /** Lowest and highest pod IP of a class, when its pods have IPs and ipBlocks match pod IPs. */
  readonly classIpMin: (bigint | undefined)[];
  readonly classIpMax: (bigint | undefined)[];
  /** Per class, pairs `[workloadId, number of the class's pods in it, …]`. */
  readonly classWorkloads: Int32Array[];
  readonly podClass: Int32Array;
  readonly nsStart: Int32Array;
  readonly nsEnd: Int32Array;
  readonly workloadClasses: Int32Array[];
  /** Sorted address boundaries this layout was cut on (empty when ipBlocks ignore pod IPs). */
  readonly boundaries: readonly bigint[];
  readonly all: ClassSet;
  readonly none: ClassSet;

  private readonly postings: Postings;
  private readonly nsPostings: Postings;
  private readonly ipOrder: Int32Array;
  private readonly ipMins: bigint[];
  private readonly namespaceCache = new Map<string, Int32Array>();
  private readonly inNamespaceCache: (Map<string, ClassSet> | undefined)[] = [];
  private readonly bySelectorCache = new Map<string, Map<string, ClassSet>>();
  private readonly addressCache = new Map<AddressSet, ClassSet>();

  constructor(
    readonly inventory: PreparedInventory,
    readonly ipBlockMatchesPodIps: boolean,
    boundaries: readonly bigint[],
  ) {
    this.boundaries = ipBlockMatchesPodIps ? boundaries : [];
    const podCount = inventory.podCount;
    const nsCount = inventory.namespaces.length;
    // Pods in namespace order (counting sort), so that a namespace's classes get consecutive ids.
    const nsOffsets = new Int32Array(nsCount + 1);
    for (let p = 0; p < podCount; p++) nsOffsets[inventory.podNs[p] + 1]++;
    for (let ns = 0; ns < nsCount; ns++) nsOffsets[ns + 1] += nsOffsets[ns];
    const byNs = new Int32Array(podCount);
    const cursor = nsOffsets.slice(0, nsCount);
    for (let p = 0; p < podCount; p++) byNs[cursor[inventory.podNs[p]]++] = p;

    const classNs: number[] = [];
    const classLabels: Labels[] = [];
    const classPortMap: number[] = [];
    const classAtom: number[] = [];
    const classIpMin: (bigint | undefined)[] = [];
    const classIpMax: (bigint | undefined)[] = [];
    const classPods: number[][] = [];
    this.podClass = new Int32Array(podCount);
    this.nsStart = new Int32Array(nsCount);
    this.nsEnd = new Int32Array(nsCount);
    // Classes are found by hash and verified field by field: no key string per pod.
    const buckets = new Map<number, number[]>();
    const cut = this.boundaries.length > 0;
    for (let ns = 0; ns < nsCount; ns++) {
      this.nsStart[ns] = classNs.length;
      for (let i = nsOffsets[ns]; i < nsOffsets[ns + 1]; i++) {
        const podId = byNs[i];
        const labels = inventory.podLabels[podId];
        const portMap = inventory.podPortMap[podId];
        const ip = ipBlockMatchesPodIps ? inventory.podIp[podId] : undefined;
        // Atom: -1 without IP; otherwise the family and the slot among the boundaries.
        const atom = ip === undefined ? -1 : (ip >= V4_BASE ? 1 : 2) + 4 * (cut ? upperBound(this.boundaries, ip) : 0);
        const hash = mix(mix(mix(hashLabels(labels), ns), portMap), atom);
        let bucket = buckets.get(hash);
        let classId = -1;
        if (bucket) {
          for (const c of bucket) {
            if (classNs[c] === ns && classPortMap[c] === portMap && classAtom[c] === atom && sameLabels(classLabels[c], labels)) {
              classId = c;
              break;
            }
          }
        } else {
          bucket = [];
          buckets.set(hash, bucket);
        }
        if (classId < 0) {
          classId = classNs.length;
          bucket.push(classId);
          classNs.push(ns);
          classLabels.push(labels);
          classPortMap.push(portMap);
          classAtom.push(atom);
          classIpMin.push(ip);
          classIpMax.push(ip);
          classPods.push([]);
        } else if (ip !== undefined) {
          if (ip < (classIpMin[classId] as bigint)) classIpMin[classId] = ip;
          if (ip > (classIpMax[classId] as bigint)) classIpMax[classId] = ip;
        }
        classPods[classId].push(podId);
        this.podClass[podId] = classId;
      }
      this.nsEnd[ns] = classNs.length;
    }
    this.count = classNs.length;
    this.classNs = Int32Array.from(classNs);
    this.classLabels = classLabels;
    this.classPortMap = Int32Array.from(classPortMap);
    this.classIpMin = classIpMin;
    this.classIpMax = classIpMax;
    this.all = ClassSet.all(this.count);
    this.none = ClassSet.empty(this.count);

    const workloadClassLists: number[][] = Array.from({ length: inventory.workloads.length }, () => []);
    this.classWorkloads = classPods.map((members, classId) => {
      const first = inventory.podWorkload[members[0]];
      let single = true;
      for (let i = 1; i < members.length && single; i++) single = inventory.podWorkload[members[i]] === first;
      if (single) {
        workloadClassLists[first].push(classId);
        return Int32Array.of(first, members.length);
      }
      const counts = new Map<number, number>();
      for (const podId of members) {
        const w = inventory.podWorkload[podId];
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      const out = new Int32Array(counts.size * 2);
      let k = 0;
      for (const [workloadId, count] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
        out[k++] = workloadId;
        out[k++] = count;
        workloadClassLists[workloadId].push(classId);
      }
      return out;
    });
    this.workloadClasses = workloadClassLists.map((list) => Int32Array.from(list));

    this.postings = buildPostings(classLabels);
    this.nsPostings = buildPostings(inventory.namespaces.map((ns) => ns.labels));
    const withIp: number[] = [];
    for (let c = 0; c < this.count; c++) if (classIpMin[c] !== undefined) withIp.push(c);
    withIp.sort((a, b) => compareBig(classIpMin[a] as bigint, classIpMin[b] as bigint));
    this.ipOrder = Int32Array.from(withIp);
    this.ipMins = withIp.map((c) => classIpMin[c] as bigint);
  }

  /** Whether cutting the address space at `boundary` would split a class (pods on both sides). */
  wouldSplit(boundary: bigint): boolean {
    if (!this.ipBlockMatchesPodIps) return false;
    for (let c = 0; c < this.count; c++) {
      const min = this.classIpMin[c];
      if (min !== undefined && min < boundary && boundary <= (this.classIpMax[c] as bigint)) return true;
    }
    return false;
  }

  /** Sorted ids of the namespaces a selector matches. */
  selectNamespaces(selector: LabelSelector): Int32Array {
    const key = selectorKey(selector);
    let result = this.namespaceCache.get(key);
    if (!result) {
      const namespaces = this.inventory.namespaces;
      const candidates = candidatesFor(selector, this.nsPostings);
      const out: number[] = [];
      if (candidates) {
        for (const ns of candidates) if (selectorMatches(selector, namespaces[ns].labels)) out.push(ns);
      } else {
        for (const ns of namespaces) if (selectorMatches(selector, ns.labels)) out.push(ns.id);
      }
      result = Int32Array.from(out);
      this.namespaceCache.set(key, result);
    }
    return result;
  }

  /**
   * Classes of a pod-selecting peer or policy target: `namespaceId` set means pods of that
   * namespace (podSelector only); otherwise pods of the namespaces `namespaceSelector` matches.
   * The keys are the selectors' canonical texts (`selectorKey`), used for caching.
   */
  selectClasses(
    namespaceId: number | undefined,
    namespaceSelector: LabelSelector | undefined,
    namespaceKey: string | undefined,
    podSelector: LabelSelector | undefined,
    podKey: string,
  ): ClassSet {
    // Two-level caches (no key string per call): namespace id or namespace selector, then pod selector.
    let cache: Map<string, ClassSet> | undefined;
    if (namespaceId !== undefined) {
      cache = this.inNamespaceCache[namespaceId];
      if (!cache) {
        cache = new Map();
        this.inNamespaceCache[namespaceId] = cache;
      }
    } else {
      cache = this.bySelectorCache.get(namespaceKey ?? '');
      if (!cache) {
        cache = new Map();
        this.bySelectorCache.set(namespaceKey ?? '', cache);
      }
    }
    let result = cache.get(podKey);
    if (!result) {
      result = this.computeClasses(namespaceId, namespaceSelector, podKey === '' ? undefined : podSelector);
      cache.set(podKey, result);
    }
    return result;
  }

  private computeClasses(namespaceId: number | undefined, namespaceSelector: LabelSelector | undefined, podSelector: LabelSelector | undefined): ClassSet {
    const namespaces = namespaceId !== undefined ? Int32Array.of(namespaceId) : this.selectNamespaces(namespaceSelector ?? {});
    const emptyPodSelector = !podSelector;
    const out: number[] = [];
    if (emptyPodSelector) {
      if (namespaces.length === this.inventory.namespaces.length) return this.all;
      for (const ns of namespaces) for (let c = this.nsStart[ns]; c < this.nsEnd[ns]; c++) out.push(c);
      return ClassSet.fromSorted(this.count, Int32Array.from(out));
    }
    const selector = podSelector as LabelSelector;
    let inRanges = 0;
    for (const ns of namespaces) inRanges += this.nsEnd[ns] - this.nsStart[ns];
    // Small namespaces are scanned; the label index pays off for wide selections only.
    const candidates = inRanges <= 64 ? null : candidatesFor(selector, this.postings);
    if (candidates && candidates.length < inRanges) {
      if (namespaces.length === 1) {
        const ns = namespaces[0];
        const from = lowerBound(candidates, this.nsStart[ns]);
        for (let i = from; i < candidates.length && candidates[i] < this.nsEnd[ns]; i++) {
          if (selectorMatches(selector, this.classLabels[candidates[i]])) out.push(candidates[i]);
        }
      } else {
        const wanted = new Uint8Array(this.inventory.namespaces.length);
        for (const ns of namespaces) wanted[ns] = 1;
        for (const c of candidates) if (wanted[this.classNs[c]] && selectorMatches(selector, this.classLabels[c])) out.push(c);
      }
    } else {
      for (const ns of namespaces) {
        for (let c = this.nsStart[ns]; c < this.nsEnd[ns]; c++) if (selectorMatches(selector, this.classLabels[c])) out.push(c);
      }
    }
    return ClassSet.fromSorted(this.count, Int32Array.from(out));
  }

  /** Classes whose pod IPs lie in the address set (empty unless ipBlocks match pod IPs). */
  classesInAddresses(addresses: AddressSet): ClassSet {
    if (!this.ipBlockMatchesPodIps || this.ipOrder.length === 0 || addresses.length === 0) return this.none;
    let cached = this.addressCache.get(addresses);
    if (!cached) {
      cached = this.computeClassesInAddresses(addresses);
      this.addressCache.set(addresses, cached);
    }
    return cached;
  }

  private computeClassesInAddresses(addresses: AddressSet): ClassSet {
    const out: number[] = [];
    for (let i = 0; i < addresses.length; i += 2) {
      for (let k = lowerBoundBig(this.ipMins, addresses[i]); k < this.ipMins.length && this.ipMins[k] <= addresses[i + 1]; k++) {
        out.push(this.ipOrder[k]);
      }
    }
    return ClassSet.fromIds(this.count, out);
  }
}

/** Label index: for each key, the sorted ids carrying it, overall and per value. */
interface Postings {
  byKey: Map<string, Int32Array>;
  byValue: Map<string, Map<string, Int32Array>>;
}

function buildPostings(labelSets: readonly Labels[]): Postings {
  const byKey = new Map<string, number[]>();
  const byValue = new Map<string, Map<string, number[]>>();
  for (let id = 0; id < labelSets.length; id++) {
    const labels = labelSets[id];
    for (const key in labels) {
      const keyList = byKey.get(key);
      if (keyList) keyList.push(id);
      else byKey.set(key, [id]);
      let values = byValue.get(key);
      if (!values) {
        values = new Map();
        byValue.set(key, values);
      }
      const list = values.get(labels[key]);
      if (list) list.push(id);
      else values.set(labels[key], [id]);
    }
  }
  const out: Postings = { byKey: new Map(), byValue: new Map() };
  for (const [key, list] of byKey) out.byKey.set(key, Int32Array.from(list));
  for (const [key, values] of byValue) {
    const converted = new Map<string, Int32Array>();
    for (const [value, list] of values) converted.set(value, Int32Array.from(list));
    out.byValue.set(key, converted);
  }
  return out;
}

/** A sorted superset of the ids a selector can match, from the label index; null when no bound is known. */
function candidatesFor(selector: LabelSelector, postings: Postings): Int32Array | null {
  let best: Int32Array[] | null = null;
  let bestSize = Infinity;
  const consider = (lists: Int32Array[]) => {
    let size = 0;
    for (const l of lists) size += l.length;
    if (size < bestSize) {
      best = lists;
      bestSize = size;
    }
  };
  const posting = (key: string, value: string) => postings.byValue.get(key)?.get(value) ?? NO_IDS;
  const matchLabels = selector.matchLabels ?? {};
  for (const key in matchLabels) consider([posting(key, matchLabels[key])]);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'Exists') consider([postings.byKey.get(e.key) ?? NO_IDS]);
    else if (e.operator === 'In') consider((e.values ?? []).map((v) => posting(e.key, v)));
  }
  const lists = best as Int32Array[] | null;
  if (!lists) return null;
  if (lists.length === 1) return lists[0];
  // Only the chosen bound of an `In` requirement is merged (its value lists are disjoint).
  const merged = new Int32Array(bestSize);
  let k = 0;
  for (const l of lists) {
    merged.set(l, k);
    k += l.length;
  }
  merged.sort();
  // `In` may repeat a value: keep ids unique.
  let unique = 0;
  for (let i = 0; i < merged.length; i++) if (i === 0 || merged[i] !== merged[i - 1]) merged[unique++] = merged[i];
  return merged.subarray(0, unique);
}

function upperBound(sorted: readonly bigint[], value: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBoundBig(sorted: readonly bigint[], value: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
