import type { LabelSelector } from '../manifest';
import { ClassSet } from './class-set.util';
import { type AddressSet, V4_BASE } from './ip-address.util';
import { groupByKey } from './group-by-key.util';
import { hashLabels, mix, sameLabels } from './hash.util';
import { type Labels, selectorMatches } from './label-selector.util';
import type { PreparedInventory } from './prepared-inventory.util';
import { compareBigint, lowerBound, lowerBoundBigint, upperBoundBigint } from './sorted-search.util';

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
  /**
   * Per class c, pairs `[workloadId, number of the class's pods in it, …]` at
   * `classWorkloadPairs[classWorkloadStart[c] .. classWorkloadStart[c + 1] - 1]` (compressed rows).
   */
  readonly classWorkloadStart: Int32Array;
  readonly classWorkloadPairs: Int32Array;
  readonly podClass: Int32Array;
  readonly nsStart: Int32Array;
  readonly nsEnd: Int32Array;
  /** Per workload w, its classes (ascending) at `workloadClassIds[workloadClassStart[w] .. workloadClassStart[w + 1] - 1]`. */
  readonly workloadClassStart: Int32Array;
  readonly workloadClassIds: Int32Array;
  /** Sorted address boundaries this layout was cut on (empty when ipBlocks ignore pod IPs). */
  readonly boundaries: readonly bigint[];
  readonly all: ClassSet;
  readonly none: ClassSet;

  private readonly postings: LabelIndex;
  private readonly nsPostings: LabelIndex;
  private readonly ipOrder: Int32Array;
  private readonly ipMins: bigint[];
  private readonly inNamespaceCache: (Map<number, ClassSet> | undefined)[];
  private readonly globalCache = new Map<number, Int32Array>();
  private readonly namespaceIdCache = new Map<number, NamespaceSelection>();
  private readonly matchingBitsCache = new Map<number, Uint32Array>();
  private readonly nsScratch: Uint8Array;
  private readonly classScratch: Uint8Array;
  private readonly idScratch: Int32Array;
  private readonly bySelectorCache = new Map<number, Map<number, ClassSet>>();
  private readonly addressCache = new Map<AddressSet, ClassSet>();

  constructor(
    readonly inventory: PreparedInventory,
    readonly ipBlockMatchesPodIps: boolean,
    boundaries: readonly bigint[],
  ) {
    this.boundaries = ipBlockMatchesPodIps ? boundaries : [];
    const podCount = inventory.podCount;
    const nsCount = inventory.namespaces.length;
    // Pods in namespace order, so that a namespace's classes get consecutive ids.
    const { start: nsOffsets, order: byNs } = groupByKey(inventory.podNs, nsCount);

    const classNs: number[] = [];
    const classLabels: Labels[] = [];
    const classPortMap: number[] = [];
    const classAtom: number[] = [];
    const classIpMin: (bigint | undefined)[] = [];
    const classIpMax: (bigint | undefined)[] = [];
    this.podClass = new Int32Array(podCount);
    this.nsStart = new Int32Array(nsCount);
    this.nsEnd = new Int32Array(nsCount);
    // Classes are found by hash and verified field by field: no key string per pod. Each hash maps
    // to its first class; further classes with that hash are chained through `nextInBucket`.
    const buckets = new Map<number, number>();
    const nextInBucket: number[] = [];
    const cut = this.boundaries.length > 0;
    for (let ns = 0; ns < nsCount; ns++) {
      this.nsStart[ns] = classNs.length;
      // Pods keep their input order within a namespace, so replicas come one after another: a pod
      // like the one before it (labels, named ports, address atom) joins its class without a hash.
      let previous = -1;
      for (let i = nsOffsets[ns]; i < nsOffsets[ns + 1]; i++) {
        const podId = byNs[i];
        const labels = inventory.podLabels[podId];
        const portMap = inventory.podPortMap[podId];
        const ip = ipBlockMatchesPodIps ? inventory.podIp[podId] : undefined;
        // Atom: -1 without IP; otherwise the family and the slot among the boundaries.
        const atom = ip === undefined ? -1 : (ip >= V4_BASE ? 1 : 2) + 4 * (cut ? upperBoundBigint(this.boundaries, ip) : 0);
        if (previous >= 0 && classPortMap[previous] === portMap && classAtom[previous] === atom && sameLabels(classLabels[previous], labels)) {
          if (ip !== undefined) {
            if (ip < (classIpMin[previous] as bigint)) classIpMin[previous] = ip;
            if (ip > (classIpMax[previous] as bigint)) classIpMax[previous] = ip;
          }
          this.podClass[podId] = previous;
          continue;
        }
        const hash = mix(mix(mix(hashLabels(labels), ns), portMap), atom);
        const head = buckets.get(hash);
        let classId = -1;
        let last = -1;
        for (let c = head ?? -1; c >= 0; c = nextInBucket[c]) {
          if (classNs[c] === ns && classPortMap[c] === portMap && classAtom[c] === atom && sameLabels(classLabels[c], labels)) {
            classId = c;
            break;
          }
          last = c;
        }
        if (classId < 0) {
          classId = classNs.length;
          if (last < 0) buckets.set(hash, classId);
          else nextInBucket[last] = classId;
          nextInBucket.push(-1);
          classNs.push(ns);
          classLabels.push(labels);
          classPortMap.push(portMap);
          classAtom.push(atom);
          classIpMin.push(ip);
          classIpMax.push(ip);
        } else if (ip !== undefined) {
          if (ip < (classIpMin[classId] as bigint)) classIpMin[classId] = ip;
          if (ip > (classIpMax[classId] as bigint)) classIpMax[classId] = ip;
        }
        this.podClass[podId] = classId;
        previous = classId;
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

    // Pods by class, then each class's workloads with their pod counts.
    const count = this.count;
    const { start: podStart, order: byClass } = groupByKey(this.podClass, count);
    const workloadCount = inventory.workloads.length;
    const classWorkloadStart = new Int32Array(count + 1);
    const pairs: number[] = [];
    const classesPerWorkload = new Int32Array(workloadCount + 1);
    for (let c = 0; c < count; c++) {
      const first = inventory.podWorkload[byClass[podStart[c]]];
      let single = true;
      for (let i = podStart[c] + 1; i < podStart[c + 1] && single; i++) single = inventory.podWorkload[byClass[i]] === first;
      if (single) {
        pairs.push(first, podStart[c + 1] - podStart[c]);
        classesPerWorkload[first + 1]++;
      } else {
        const counts = new Map<number, number>();
        for (let i = podStart[c]; i < podStart[c + 1]; i++) {
          const w = inventory.podWorkload[byClass[i]];
          counts.set(w, (counts.get(w) ?? 0) + 1);
        }
        for (const w of [...counts.keys()].sort((a, b) => a - b)) {
          pairs.push(w, counts.get(w) as number);
          classesPerWorkload[w + 1]++;
        }
      }
      classWorkloadStart[c + 1] = pairs.length;
    }
    this.classWorkloadStart = classWorkloadStart;
    this.classWorkloadPairs = Int32Array.from(pairs);
    for (let w = 0; w < workloadCount; w++) classesPerWorkload[w + 1] += classesPerWorkload[w];
    this.workloadClassStart = classesPerWorkload;
    this.workloadClassIds = new Int32Array(classesPerWorkload[workloadCount]);
    const classCursor = classesPerWorkload.slice(0, workloadCount);
    for (let c = 0; c < count; c++) {
      for (let i = classWorkloadStart[c]; i < classWorkloadStart[c + 1]; i += 2) this.workloadClassIds[classCursor[this.classWorkloadPairs[i]]++] = c;
    }

    this.postings = new LabelIndex(classLabels);
    this.inNamespaceCache = new Array(nsCount).fill(undefined);
    this.nsScratch = new Uint8Array(nsCount);
    this.classScratch = new Uint8Array(this.count);
    this.idScratch = new Int32Array(Math.max(this.count, nsCount));
    this.nsPostings = new LabelIndex(inventory.namespaces.map((ns) => ns.labels));
    const withIp: number[] = [];
    for (let c = 0; c < this.count; c++) if (classIpMin[c] !== undefined) withIp.push(c);
    withIp.sort((a, b) => compareBigint(classIpMin[a] as bigint, classIpMin[b] as bigint));
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

  /**
   * The namespaces a selector matches, cached per interned selector id: sorted ids, or for a
   * selector made only of `NotIn`/`DoesNotExist` ("every namespace but mine"), the few it excludes.
   */
  private selectNamespaces(selector: LabelSelector, id: number): NamespaceSelection {
    let result = this.namespaceIdCache.get(id);
    if (!result) {
      const { include, exclude } = selectorPostings(selector, this.nsPostings);
      if (include.length === 0) {
        const excluded = exclude.length === 1 ? exclude[0] : uniqueIds(exclude, this.nsScratch);
        result = { ids: null, excluded };
      } else result = { ids: intersectPostings(include, exclude, this.nsScratch), excluded: null };
      this.namespaceIdCache.set(id, result);
    }
    return result;
  }

  /** A class bitset with the classes of the given namespaces cleared. */
  private clearNamespaces(bits: Uint32Array, namespaces: Int32Array): Uint32Array {
    for (let i = 0; i < namespaces.length; i++) {
      for (let c = this.nsStart[namespaces[i]]; c < this.nsEnd[namespaces[i]]; c++) bits[c >>> 5] &= ~(1 << (c & 31));
    }
    return bits;
  }

  /** A bitset of every class. */
  private allBits(): Uint32Array {
    const bits = new Uint32Array((this.count + 31) >>> 5).fill(0xffffffff);
    if (this.count & 31) bits[bits.length - 1] = (1 << (this.count & 31)) - 1;
    return bits;
  }

  /** Sorted ids of the classes (in any namespace) whose labels a pod selector matches. */
  private matchingClasses(selector: LabelSelector, key: number): Int32Array {
    let result = this.globalCache.get(key);
    if (!result) {
      result = matchIds(selector, this.postings, this.count, this.classScratch);
      this.globalCache.set(key, result);
    }
    return result;
  }

  /**
   * Classes of a pod-selecting peer or policy target: `namespaceId` set means pods of that
   * namespace (podSelector only); otherwise pods of the namespaces `namespaceSelector` matches.
   * The keys are the selectors' interned ids (`IrContext.selectorId`, 0 = empty), used for caching.
   */
  selectClasses(
    namespaceId: number | undefined,
    namespaceSelector: LabelSelector | undefined,
    namespaceKey: number | undefined,
    podSelector: LabelSelector | undefined,
    podKey: number,
  ): ClassSet {
    // Two-level caches (no key string per call): namespace id or namespace selector, then pod selector.
    let cache: Map<number, ClassSet> | undefined;
    if (namespaceId !== undefined) {
      cache = this.inNamespaceCache[namespaceId];
      if (!cache) {
        cache = new Map();
        this.inNamespaceCache[namespaceId] = cache;
      }
    } else {
      cache = this.bySelectorCache.get(namespaceKey ?? 0);
      if (!cache) {
        cache = new Map();
        this.bySelectorCache.set(namespaceKey ?? 0, cache);
      }
    }
    let result = cache.get(podKey);
    if (!result) {
      result = this.computeClasses(namespaceId, namespaceSelector, namespaceKey, podKey === 0 ? undefined : podSelector, podKey);
      cache.set(podKey, result);
    }
    return result;
  }

  private computeClasses(
    namespaceId: number | undefined,
    namespaceSelector: LabelSelector | undefined,
    namespaceKey: number | undefined,
    podSelector: LabelSelector | undefined,
    podKey: number,
  ): ClassSet {
    let namespaces: ArrayLike<number>;
    if (namespaceId !== undefined) namespaces = [namespaceId];
    else {
      const selection = this.selectNamespaces(namespaceSelector ?? {}, namespaceKey ?? 0);
      if (selection.excluded) return this.classesOutside(selection.excluded, podSelector, podKey);
      namespaces = selection.ids as Int32Array;
    }
    // Ids are collected in a reused buffer: wide selections would otherwise allocate per call.
    const out = this.idScratch;
    let n = 0;
    if (!podSelector) {
      if (namespaces.length === this.inventory.namespaces.length) return this.all;
      for (let i = 0; i < namespaces.length; i++) for (let c = this.nsStart[namespaces[i]]; c < this.nsEnd[namespaces[i]]; c++) out[n++] = c;
      return ClassSet.fromSortedPrefix(this.count, out, n);
    }
    let inRanges = 0;
    for (let i = 0; i < namespaces.length; i++) inRanges += this.nsEnd[namespaces[i]] - this.nsStart[namespaces[i]];
    // Few classes: test them one by one. Many: filter the selector's matches over the whole cluster
    // (computed once per selector from the label index) by namespace.
    if (inRanges <= 64) {
      for (let i = 0; i < namespaces.length; i++) {
        const ns = namespaces[i];
        for (let c = this.nsStart[ns]; c < this.nsEnd[ns]; c++) if (selectorMatches(podSelector, this.classLabels[c])) out[n++] = c;
      }
      return ClassSet.fromSortedPrefix(this.count, out, n);
    }
    const matching = this.matchingClasses(podSelector, podKey);
    if (namespaces.length === this.inventory.namespaces.length) return ClassSet.fromSorted(this.count, matching);
    if (namespaces.length === 1) {
      const ns = namespaces[0];
      return ClassSet.fromSorted(this.count, matching.slice(lowerBound(matching, this.nsStart[ns]), lowerBound(matching, this.nsEnd[ns])));
    }
    const wanted = this.nsScratch;
    for (let i = 0; i < namespaces.length; i++) wanted[namespaces[i]] = 1;
    for (let i = 0; i < matching.length; i++) if (wanted[this.classNs[matching[i]]]) out[n++] = matching[i];
    for (let i = 0; i < namespaces.length; i++) wanted[namespaces[i]] = 0;
    return ClassSet.fromSortedPrefix(this.count, out, n);
  }

  /**
   * Classes outside a few excluded namespaces whose labels a pod selector (if any) matches:
   * the selector's matches over the whole cluster with the excluded namespaces' id ranges cut out.
   */
  private classesOutside(excluded: Int32Array, podSelector: LabelSelector | undefined, podKey: number): ClassSet {
    if (!podSelector) return excluded.length === 0 ? this.all : ClassSet.fromBits(this.count, this.clearNamespaces(this.allBits(), excluded));
    const matching = this.matchingClasses(podSelector, podKey);
    if (excluded.length === 0) return ClassSet.fromSorted(this.count, matching);
    if (matching.length * 32 <= this.count) {
      // Sparse matches: filter them by namespace.
      const skip = this.nsScratch;
      for (let i = 0; i < excluded.length; i++) skip[excluded[i]] = 1;
      const out = this.idScratch;
      let n = 0;
      for (let i = 0; i < matching.length; i++) if (!skip[this.classNs[matching[i]]]) out[n++] = matching[i];
      for (let i = 0; i < excluded.length; i++) skip[excluded[i]] = 0;
      return ClassSet.fromSortedPrefix(this.count, out, n);
    }
    let bits = this.matchingBitsCache.get(podKey);
    if (!bits) {
      bits = new Uint32Array((this.count + 31) >>> 5);
      for (let i = 0; i < matching.length; i++) bits[matching[i] >>> 5] |= 1 << (matching[i] & 31);
      this.matchingBitsCache.set(podKey, bits);
    }
    return ClassSet.fromBits(this.count, this.clearNamespaces(bits.slice(), excluded));
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
      for (let k = lowerBoundBigint(this.ipMins, addresses[i]); k < this.ipMins.length && this.ipMins[k] <= addresses[i + 1]; k++) {
        out.push(this.ipOrder[k]);
      }
    }
    return ClassSet.fromIds(this.count, out);
  }
}

/** Namespaces a selector matches: sorted `ids`, or every namespace but `excluded` (sorted, unique). */
interface NamespaceSelection {
  ids: Int32Array | null;
  excluded: Int32Array | null;
}

/** The sorted ids carrying one label key: all of them, and per value. */
interface KeyPostings {
  all: Int32Array;
  byValue: Map<string, Int32Array>;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Label index over some label sets, filled one key at a time as selectors ask for it: selectors
 * name few of the keys pods carry (a pod-template hash, say, is never selected on).
 */
class LabelIndex {
  private readonly keys = new Map<string, KeyPostings>();

  constructor(private readonly labelSets: readonly Labels[]) {}

  of(key: string): KeyPostings {
    let postings = this.keys.get(key);
    if (!postings) {
      const all: number[] = [];
      const byValue = new Map<string, number[]>();
      const sets = this.labelSets;
      for (let id = 0; id < sets.length; id++) {
        const labels = sets[id];
        if (!hasOwn.call(labels, key)) continue;
        all.push(id);
        const value = labels[key];
        const list = byValue.get(value);
        if (list) list.push(id);
        else byValue.set(value, [id]);
      }
      const converted = new Map<string, Int32Array>();
      for (const [value, list] of byValue) converted.set(value, Int32Array.from(list));
      postings = { all: Int32Array.from(all), byValue: converted };
      this.keys.set(key, postings);
    }
    return postings;
  }
}

/**
 * A selector as posting lists: matchLabels, `In` and `Exists` give lists to intersect (`include`);
 * `NotIn` and `DoesNotExist` give lists to remove (`exclude`), so a missing key matches them.
 */
function selectorPostings(selector: LabelSelector, postings: LabelIndex): { include: Int32Array[]; exclude: Int32Array[] } {
  // Module functions and indexed loops: no closure, iterator or empty object per selection computed (48,000 at L).
  const include: Int32Array[] = [];
  const exclude: Int32Array[] = [];
  const matchLabels = selector.matchLabels;
  if (matchLabels) for (const key in matchLabels) include.push(posting(postings, key, matchLabels[key]));
  const expressions = selector.matchExpressions;
  for (let i = 0; expressions && i < expressions.length; i++) {
    const e = expressions[i];
    if (e.operator === 'In') include.push(anyOf(postings, e.key, e.values ?? []));
    else if (e.operator === 'NotIn') exclude.push(anyOf(postings, e.key, e.values ?? []));
    else if (e.operator === 'Exists') include.push(postings.of(e.key).all);
    else exclude.push(postings.of(e.key).all);
  }
  return { include, exclude };
}

/** The sorted ids with label `key` = `value`. */
function posting(postings: LabelIndex, key: string, value: string): Int32Array {
  return postings.of(key).byValue.get(value) ?? NO_IDS;
}

/** The sorted ids with label `key` set to one of `values`. */
function anyOf(postings: LabelIndex, key: string, values: readonly string[]): Int32Array {
  const lists = [...new Set(values)].map((v) => posting(postings, key, v)).filter((l) => l.length > 0);
  if (lists.length <= 1) return lists[0] ?? NO_IDS;
  // Values of one key never share an id, so the lists are disjoint.
  const merged = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
  let k = 0;
  for (const l of lists) {
    merged.set(l, k);
    k += l.length;
  }
  return merged.sort();
}

/** The sorted, unique union of some id lists. `scratch` is a zeroed byte per id, returned zeroed. */
function uniqueIds(lists: readonly Int32Array[], scratch: Uint8Array): Int32Array {
  let n = 0;
  for (const list of lists) {
    for (const id of list) {
      if (scratch[id] === 0) {
        scratch[id] = 1;
        n++;
      }
    }
  }
  const out = new Int32Array(n);
  n = 0;
  for (const list of lists) {
    for (const id of list) {
      if (scratch[id] === 1) {
        scratch[id] = 0;
        out[n++] = id;
      }
    }
  }
  return out.sort();
}

/**
 * The sorted ids in every `include` list and in no `exclude` list (at least one include list).
 * `scratch` is a zeroed byte per id, returned zeroed.
 */
function intersectPostings(include: Int32Array[], exclude: readonly Int32Array[], scratch: Uint8Array): Int32Array {
  include.sort((a, b) => a.length - b.length);
  let result = include[0];
  for (let i = 1; i < include.length && result.length > 0; i++) {
    const other = include[i];
    for (const id of other) scratch[id] = 1;
    const kept = result.filter((id) => scratch[id] === 1);
    for (const id of other) scratch[id] = 0;
    result = kept;
  }
  if (exclude.length > 0 && result.length > 0) {
    for (const list of exclude) for (const id of list) scratch[id] = 1;
    const kept = result.filter((id) => scratch[id] === 0);
    for (const list of exclude) for (const id of list) scratch[id] = 0;
    result = kept;
  }
  return result;
}

/**
 * The sorted ids a selector matches, by set algebra on the label index (see `selectorPostings`).
 * `scratch` is a zeroed byte per id, returned zeroed.
 */
function matchIds(selector: LabelSelector, postings: LabelIndex, universe: number, scratch: Uint8Array): Int32Array {
  const { include, exclude } = selectorPostings(selector, postings);
  if (include.length > 0) return intersectPostings(include, exclude, scratch);
  // Only exclusions (or nothing): everything but the excluded ids.
  for (const list of exclude) for (const id of list) scratch[id] = 1;
  let n = 0;
  for (let i = 0; i < universe; i++) if (scratch[i] === 0) n++;
  const result = new Int32Array(n);
  n = 0;
  for (let i = 0; i < universe; i++) if (scratch[i] === 0) result[n++] = i;
  for (const list of exclude) for (const id of list) scratch[id] = 0;
  return result;
}
