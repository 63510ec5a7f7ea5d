import type { ClassLayout } from './class-layout.util';
import { type ClassSet, type IdList, listHas } from './class-set.util';
import { PairCollector, type PairTable } from './pair-table.util';
import { NO_PIECES, type PiecewisePorts, unionPiecewise } from './piecewise-ports.util';
import type { DirectionIndex, LayoutContext, SignatureRegistry } from './policy-index.util';
import { mix } from './hash.util';
import { PortSetTable } from './port-set.util';

/** The policy state connectivity is computed from. */
export interface EngineState {
  layout: ClassLayout;
  ctx: LayoutContext;
  ingress: DirectionIndex;
  egress: DirectionIndex;
}

/**
 * Allowed traffic per workload: `pairs` gives the port-set id per (source, destination) workload
 * pair; the external maps give, per workload, the ports open from (ingress) or to (egress) each
 * external address. Pod-to-itself traffic is left out.
 */
export interface ConnectivityData {
  workloadCount: number;
  pairs: PairTable;
  ingressExternal: Map<number, PiecewisePorts>;
  egressExternal: Map<number, PiecewisePorts>;
  /** Compact data only: the pairs that `pairs` leaves out, all ports each. */
  open?: OpenProduct;
}

/**
 * Pod classes that no policy isolates for egress reach every class that no policy isolates for
 * ingress on every port. Compact data keeps those pairs as this product of two workload sets
 * instead of listing them: it is quadratic in the workloads of namespaces without policies.
 * A workload pair (s, d) with `openOut[s]` and `openIn[d]` allows all ports, except s === d
 * without `selfOpen[s]` (a single pod does not reach itself).
 */
export interface OpenProduct {
  /** Per workload: 1 when one of its classes is not isolated for egress. */
  openOut: Uint8Array;
  /** Per workload: 1 when one of its classes is not isolated for ingress. */
  openIn: Uint8Array;
  /** The workloads with `openIn`, ascending. */
  openInIds: Int32Array;
  /** Per workload: 1 when one of its pods reaches another of its pods through the product. */
  selfOpen: Uint8Array;
}

/** Restricts a computation to flows from `sources` or to `destinations` (workload flags). */
export interface ConnectivityScope {
  sources: Uint8Array;
  destinations: Uint8Array;
}

/** Receives each allowed (source workload, destination workload, port-set id), repeats included. */
export interface PairSink {
  /** `s` and `d`: the pod classes the pair was found between. */
  add(ws: number, wd: number, ports: number, s: number, d: number): void;
}

/** Ports the (built) table of signature `s` allows for one peer class, named ports resolved on the destination's map. */
function sidePorts(ports: PortSetTable, reg: SignatureRegistry, s: number, peer: number, portMapId: number): number {
  let acc = PortSetTable.EMPTY;
  const entryBits = reg.entryBits;
  const entryList = reg.entryList;
  const specs = reg.entrySpec;
  for (let e = reg.tableStart[s], end = reg.tableEnd[s]; e < end; e++) {
    if (admits(entryBits[e], entryList[e], peer)) {
      acc = ports.union(acc, ports.resolve(specs[e], portMapId));
      if (acc === PortSetTable.ALL) break;
    }
  }
  return acc;
}

/** Whether a class set given by its bitset or id list (see `SignatureRegistry.entryBits`) has `id`. */
function admits(bits: Uint32Array | null, list: IdList | null, id: number): boolean {
  if (bits !== null) return (bits[id >>> 5] & (1 << (id & 31))) !== 0;
  return list === null || listHas(list, id);
}

interface EgressReach {
  /** Per egress signature: how it reaches destinations (see REACH_*); `wideIndex` its wide union when wide. */
  sigReach: Uint8Array;
  wideIndex: Int32Array;
  unisolated: Int32Array;
  unisolatedBits: Uint32Array;
  reachesAll: Int32Array;
  reachesAllBits: Uint32Array;
  members: Int32Array[];
  /** `members[g].length` per signature, in one array (counting a destination's reaching sources reads only these). */
  memberCount: Int32Array;
  /** Bitsets of large signatures' members, built when first needed. */
  memberBits: (Uint32Array | undefined)[];
  /** Per destination class d, the narrow egress signatures whose union contains it: `sinkSigs[sinkStart[d]..sinkStart[d+1]-1]`. */
  sinkStart: Int32Array;
  sinkSigs: Int32Array;
  /**
   * The distinct unions of the egress signatures reaching many classes (tested per destination
   * instead of indexed), `wideCount` of them, as bitsets stored word by word: word w of union u is
   * `wideByWord[w * wideCount + u]`, so the unions meeting one 32-class word are a contiguous scan
   * (a bitset per union made that scan a cache miss per union: 25 ms of an L analysis). Many
   * signatures share one (an egress to the same namespaces from differently isolated pods).
   */
  wideCount: number;
  wideByWord: Uint32Array;
  /** Per wide union: the member classes of every signature with that union, ascending. */
  wideMembers: Int32Array[];
  /** `wideMembers[u].length` per wide union. */
  wideMemberCount: Int32Array;
  /** Bitsets of large wide unions' members, built when first needed. */
  wideMemberBits: (Uint32Array | undefined)[];
}

/** How an egress signature reaches destination classes: not isolated, every class, through the sink index, tested as a wide bitset, none. */
const REACH_UNISOLATED = 0;
const REACH_ALL = 1;
const REACH_NARROW = 2;
const REACH_WIDE = 3;
const REACH_NONE = 4;

/**
 * Computes allowed traffic on pod classes. For each destination class, the candidate sources
 * are whichever costs less to walk: the classes its ingress admits, or the classes whose egress
 * can reach it (an inverted index over egress signatures), each of which is asked about at every
 * ingress entry (SignatureRegistry.lookupCost). Only candidates are evaluated, so the
 * cost follows the number of allowed class pairs, not the square of the class count. Walking the
 * admitted classes, those whose egress cannot reach the destination are skipped; walking a large
 * group of egress candidates (unisolated sources, say), the ingress side is met with the group's
 * bitset first, so neither walk pays for the sources the other side refuses.
 */
export function computeConnectivity(state: EngineState, scope?: ConnectivityScope, compact = false): ConnectivityData {
  const workloadCount = state.layout.inventory.workloads.length;
  const collector = new PairCollector(workloadCount);
  visitPairs(state, collector, scope, compact);
  const pairs = collector.finish(state.ctx.ports);
  const { ingressExternal, egressExternal } = externalReach(state, scope);
  return compact && !scope ? { workloadCount, pairs, ingressExternal, egressExternal, open: openProduct(state) } : { workloadCount, pairs, ingressExternal, egressExternal };
}

/**
 * Hands every allowed workload pair to `sink` (see computeConnectivity); with `compact`, the
 * pairs of the open product (see OpenProduct) are left out. A destination class whose flag in
 * `settled` the sink sets gets no further sources (unscoped only): an early exit for questions
 * such as "does anything reach this class".
 */
export function visitPairs(state: EngineState, sink: PairSink, scope?: ConnectivityScope, compact = false, settled?: Uint8Array): void {
  const { layout, ctx } = state;
  const ports = ctx.ports;
  const count = layout.count;
  const inSig = state.ingress.classSig;
  const egSig = state.egress.classSig;
  const inReg = ctx.signatures.ingress;
  const egReg = ctx.signatures.egress;
  const inClasses = inReg.entryClasses;
  const inSpec = inReg.entrySpec;
  const portMap = layout.classPortMap;

  // A class's table is its signature's (0: none, the side is not isolated), built on first use.
  const inTable = (d: number): number => (inSig[d] === 0 ? 0 : ctx.table('ingress', inSig[d]));
  const egTable = (s: number): number => (egSig[s] === 0 ? 0 : ctx.table('egress', egSig[s]));

  // The egress ports of the last (signature, destination) pair evaluated: sources sharing a
  // signature (a signature's members, most admitted sets) come one after another for one d.
  let lastSig = 0;
  let lastD = -1;
  let lastEgPorts = PortSetTable.ALL;
  /** Source `s` to destination `d`, given the ports d's ingress allows from s. */
  const evaluateWith = (s: number, d: number, inPorts: number): void => {
    const g = egSig[s];
    if (g !== lastSig || d !== lastD) {
      lastSig = g;
      lastD = d;
      lastEgPorts = g === 0 ? PortSetTable.ALL : sidePorts(ports, egReg, ctx.table('egress', g), d, portMap[d]);
    }
    const allowed = ports.intersect(inPorts, lastEgPorts);
    if (allowed !== PortSetTable.EMPTY) emit(s, d, allowed);
  };
  const evaluate = (s: number, d: number, tIn: number): void => {
    const inPorts = tIn !== 0 ? sidePorts(ports, inReg, tIn, s, portMap[d]) : PortSetTable.ALL;
    if (inPorts !== PortSetTable.EMPTY) evaluateWith(s, d, inPorts);
  };

  // Scatter of one destination's ingress rules over the sources they admit: per touched source,
  // the union of the ports its rules allow (no per-signature union of class sets is built).
  const stamp = new Int32Array(count).fill(-1);
  const acc = new Int32Array(count);
  const touched = new Int32Array(count);
  let n = 0;
  let current = -1;
  let currentPorts = PortSetTable.EMPTY;
  const admit = (s: number): void => {
    if (stamp[s] !== current) {
      stamp[s] = current;
      acc[s] = currentPorts;
      touched[n++] = s;
    } else if (acc[s] !== PortSetTable.ALL) acc[s] = ports.union(acc[s], currentPorts);
  };
  /** Whether the egress of source `s` can reach `d`, by the egress index (`sinkStamp` marks d's narrow signatures). */
  const egressReaches = (index: EgressReach, s: number, d: number): boolean => {
    const g = egSig[s];
    const how = index.sigReach[g];
    if (how <= REACH_ALL) return true;
    if (how === REACH_NARROW) return sinkStamp[g] === d;
    if (how === REACH_WIDE) return (index.wideByWord[(d >>> 5) * index.wideCount + index.wideIndex[g]] & (1 << (d & 31))) !== 0;
    return false;
  };
  /**
   * The sources d's ingress admits, each with the ports its rules allow. With `index` (the egress
   * index, d's sink row stamped), a source whose egress cannot reach d is skipped: it would allow no port.
   */
  const evaluateAdmitted = (d: number, tIn: number, index?: EgressReach): void => {
    const pm = portMap[d];
    const from = inReg.tableStart[tIn];
    const to = inReg.tableEnd[tIn];
    if (settled !== undefined) {
      // Rule by rule, stopping once d is settled: a source admitted by several rules is evaluated
      // for each (its pairs are repeats, the union of which is the scatter's result), but most
      // destinations settle within the first rule, long before a scatter of every admitted class ends.
      for (let e = from; e < to; e++) {
        const entryPorts = ports.resolve(inSpec[e], pm);
        if (entryPorts === PortSetTable.EMPTY) continue;
        if (inClasses[e].some((s) => (!index || egressReaches(index, s, d)) && (evaluateWith(s, d, entryPorts), settled[d] === 1))) return;
      }
      return;
    }
    n = 0;
    current = d;
    for (let e = from; e < to; e++) {
      currentPorts = ports.resolve(inSpec[e], pm);
      if (currentPorts !== PortSetTable.EMPTY) inClasses[e].forEach(admit);
    }
    for (let i = 0; i < n; i++) if (!index || egressReaches(index, touched[i], d)) evaluateWith(touched[i], d, acc[touched[i]]);
  };
  const words = (count + 31) >>> 5;
  /** Steps of meeting each of a table's entries with a group of `size` sources (see evaluateGroup): a bitset a word at a time, a list an id at a time. */
  const scatterCost = (tIn: number, size: number): number => {
    let cost = 0;
    for (let e = inReg.tableStart[tIn], end = inReg.tableEnd[tIn]; e < end; e++) {
      const set = inClasses[e];
      cost += set.bits ? words : set.list ? set.list.length : size;
    }
    return cost;
  };
  /**
   * What walking a large group of sources to d costs, in sources asked about, as evaluateGroup
   * walks it: each source asked, or d's ingress entries met with the group's bitset when that takes
   * fewer steps (the unisolated sources of an open cluster: thousands of classes, a few entries).
   */
  const groupCost = (size: number, tIn: number): number => {
    if (tIn === 0 || size === 0) return size;
    const steps = scatterCost(tIn, size);
    // evaluateGroup's own choice: each source asked (lookupCost steps each) unless the scatter is cheaper.
    return steps >= size * (inReg.tableEnd[tIn] - inReg.tableStart[tIn]) ? size : steps / inReg.lookupCost[tIn];
  };
  /**
   * Like evaluateEach, for a large group of sources with its bitset `group`: when cheaper, the
   * sources d's ingress admits are found from the ingress side (each entry's classes met with the
   * group, a word at a time for a bitset), so the ones it does not admit cost nothing.
   */
  const evaluateGroup = (sources: Int32Array, group: Uint32Array, d: number, tIn: number): boolean => {
    if (tIn === 0) return evaluateEach(sources, d, tIn);
    const from = inReg.tableStart[tIn];
    const to = inReg.tableEnd[tIn];
    if (scatterCost(tIn, sources.length) >= sources.length * (to - from)) return evaluateEach(sources, d, tIn);
    const pm = portMap[d];
    n = 0;
    current = d;
    for (let e = from; e < to; e++) {
      currentPorts = ports.resolve(inSpec[e], pm);
      if (currentPorts === PortSetTable.EMPTY) continue;
      const set = inClasses[e];
      if (set.bits) {
        const bits = set.bits;
        for (let w = 0; w < words; w++) {
          let word = bits[w] & group[w];
          while (word !== 0) {
            const low = word & -word;
            admit((w << 5) | (31 - Math.clz32(low)));
            word ^= low;
          }
        }
      } else if (set.list) {
        const list = set.list;
        for (let i = 0; i < list.length; i++) if ((group[list[i] >>> 5] & (1 << (list[i] & 31))) !== 0) admit(list[i]);
      } else for (let i = 0; i < sources.length; i++) admit(sources[i]);
    }
    for (let i = 0; i < n; i++) {
      evaluateWith(touched[i], d, acc[touched[i]]);
      if (settled !== undefined && settled[d] === 1) return false;
    }
    return true;
  };
  /** Evaluates each of `sources` to `d`; false when `d` was settled on the way. */
  const evaluateEach = (sources: Int32Array, d: number, tIn: number): boolean => {
    for (let i = 0; i < sources.length; i++) {
      evaluate(sources[i], d, tIn);
      if (settled !== undefined && settled[d] === 1) return false;
    }
    return true;
  };

  const cwStart = layout.classWorkloadStart;
  const cwPairs = layout.classWorkloadPairs;
  const emit = (s: number, d: number, allowed: number): void => {
    for (let i = cwStart[s]; i < cwStart[s + 1]; i += 2) {
      const ws = cwPairs[i];
      for (let j = cwStart[d]; j < cwStart[d + 1]; j += 2) {
        const wd = cwPairs[j];
        // A pod to itself is not a network flow; within one class, distinct pods need two of them.
        if (s === d && ws === wd && cwPairs[i + 1] < 2) continue;
        if (scope && !scope.sources[ws] && !scope.destinations[wd]) continue;
        sink.add(ws, wd, allowed, s, d);
      }
    }
  };

  let reach: EgressReach | undefined;
  // The classes of each egress signature, built when first needed (the egress index, the unscoped walk).
  let egressMembersCache: Int32Array[] | undefined;
  const egressMembers = (): Int32Array[] => (egressMembersCache ??= membersBySignature(egSig, egReg.count));
  /** The sources `lists[i]` to d (members of a signature or a wide union): a group's way when large (its bitset built once into `bits[i]`). */
  const evaluateMembers = (lists: Int32Array[], bits: (Uint32Array | undefined)[], i: number, d: number, tIn: number): boolean => {
    const members = lists[i];
    if (members.length < words) return evaluateEach(members, d, tIn);
    bits[i] ??= bitsOf(members, count);
    return evaluateGroup(members, bits[i], d, tIn);
  };
  // Per egress signature: the last destination class whose sink row listed it (see egressReaches).
  let sinkStamp = new Int32Array(0);
  if (!scope) {
    // For the current 32-class word, per bit b the wide unions that have that class: a list
    // through `hitNext` from `hitHead[b]` (-1 ends it). Built in one pass over the unions meeting
    // the word when one of its destinations first needs them, so a destination visits only the
    // wide unions that reach it.
    let active = new Int32Array(0);
    let activeCount = 0;
    let activeWord = -1;
    const hitHead = new Int32Array(32);
    let hitUnion = new Int32Array(0);
    let hitNext = new Int32Array(0);
    const transposeWide = (index: EgressReach, word: number): void => {
      activeWord = word;
      activeCount = 0;
      const unions = index.wideCount;
      const wordBits = index.wideByWord;
      const base = word * unions;
      for (let i = 0; i < unions; i++) if (wordBits[base + i] !== 0) active[activeCount++] = i;
      if (hitUnion.length < activeCount * 32) {
        hitUnion = new Int32Array(activeCount * 32);
        hitNext = new Int32Array(activeCount * 32);
      }
      hitHead.fill(-1);
      let n = 0;
      for (let k = 0; k < activeCount; k++) {
        const u = active[k];
        for (let bits = wordBits[base + u]; bits !== 0; bits &= bits - 1) {
          const bit = 31 - Math.clz32(bits & -bits);
          hitUnion[n] = u;
          hitNext[n] = hitHead[bit];
          hitHead[bit] = n++;
        }
      }
    };
    // Destinations no policy isolates for ingress take every port their sources' egress allows.
    // Without an early exit, and when there are many of them, those reached by isolated egress
    // are found source by source (each egress signature's rules scattered over such destinations,
    // see visitOpenDestinations), not by asking the egress of every source that reaches each of
    // them. The pass visits every egress rule: for a few such destinations (a default-deny
    // cluster's), asking per destination costs less.
    const openIn = settled === undefined ? classesWithSignature(inSig, 0) : undefined;
    const sourceMajor = openIn !== undefined && openIn.length > 0 && openIn.length * OPEN_PASS_SHARE >= count;
    if (sourceMajor) visitOpenDestinations(state, openIn, egressMembers(), emit);
    for (let d = 0; d < count; d++) {
      const tIn = inTable(d);
      if (tIn !== 0 && inReg.tableEnd[tIn] === inReg.tableStart[tIn]) continue;
      if (sourceMajor && tIn === 0) {
        // Compact: unisolated sources to an unisolated destination are the open product, not pairs.
        if (compact) continue;
        const unisolatedSources = egressMembers()[0];
        for (let i = 0; i < unisolatedSources.length; i++) emit(unisolatedSources[i], d, PortSetTable.ALL);
        continue;
      }
      // Compact: unisolated sources to an unisolated destination are the open product, not pairs.
      const skipUnisolated = compact && tIn === 0;
      const admitted = tIn !== 0 ? (inReg.admitsAll[tIn] === 1 ? count : inReg.sizeBound[tIn]) : count;
      if (admitted > 64) {
        if (!reach) {
          reach = buildEgressReach(state, egressMembers());
          active = new Int32Array(reach.wideCount);
          sinkStamp = new Int32Array(reach.sigReach.length).fill(-1);
        }
        // Walking the sources that reach d asks d's ingress entries about each (lookupCost steps),
        // or meets the entries with a large group's bitset (groupCost); walking the sources d
        // admits takes a step each: the walk that costs less is taken.
        const budget = tIn !== 0 ? admitted / inReg.lookupCost[tIn] : admitted;
        const sinkSigs = reach.sinkSigs;
        const sinkFrom = reach.sinkStart[d];
        const sinkTo = reach.sinkStart[d + 1];
        let reachingCount = (skipUnisolated ? 0 : groupCost(reach.unisolated.length, tIn)) + groupCost(reach.reachesAll.length, tIn);
        for (let k = sinkFrom; k < sinkTo; k++) {
          reachingCount += reach.memberCount[sinkSigs[k]];
          sinkStamp[sinkSigs[k]] = d;
        }
        let firstHit = -1;
        if (reachingCount < budget) {
          const word = d >>> 5;
          if (word !== activeWord) transposeWide(reach, word);
          firstHit = hitHead[d & 31];
          for (let h = firstHit; h >= 0 && reachingCount < budget; h = hitNext[h]) reachingCount += reach.wideMemberCount[hitUnion[h]];
        }
        if (reachingCount < budget) {
          if (!skipUnisolated && !evaluateGroup(reach.unisolated, reach.unisolatedBits, d, tIn)) continue;
          if (!evaluateGroup(reach.reachesAll, reach.reachesAllBits, d, tIn)) continue;
          let open = true;
          for (let k = sinkFrom; k < sinkTo && open; k++) open = evaluateMembers(reach.members, reach.memberBits, sinkSigs[k], d, tIn);
          for (let h = firstHit; h >= 0 && open; h = hitNext[h]) open = evaluateMembers(reach.wideMembers, reach.wideMemberBits, hitUnion[h], d, tIn);
          continue;
        }
        // Walking the sources that reach d costs more than walking those its ingress admits: the
        // admitted ones are evaluated, those whose egress reaches d.
        if (tIn !== 0) {
          evaluateAdmitted(d, tIn, reach);
          continue;
        }
      }
      if (tIn !== 0) evaluateAdmitted(d, tIn);
      else {
        for (let s = 0; s < count; s++) {
          if (skipUnisolated && egSig[s] === 0) continue;
          evaluateWith(s, d, PortSetTable.ALL);
          if (settled !== undefined && settled[d] === 1) break;
        }
      }
    }
  } else {
    const workloadCount = layout.inventory.workloads.length;
    const destinationClasses = new Uint8Array(count);
    for (let w = 0; w < workloadCount; w++) {
      if (!scope.destinations[w]) continue;
      for (let k = layout.workloadClassStart[w]; k < layout.workloadClassStart[w + 1]; k++) destinationClasses[layout.workloadClassIds[k]] = 1;
    }
    for (let d = 0; d < count; d++) {
      if (!destinationClasses[d]) continue;
      const tIn = inTable(d);
      if (tIn !== 0) evaluateAdmitted(d, tIn);
      else for (let s = 0; s < count; s++) evaluateWith(s, d, PortSetTable.ALL);
    }
    const sourceClasses = new Uint8Array(count);
    for (let w = 0; w < workloadCount; w++) {
      if (!scope.sources[w]) continue;
      for (let k = layout.workloadClassStart[w]; k < layout.workloadClassStart[w + 1]; k++) sourceClasses[layout.workloadClassIds[k]] = 1;
    }
    for (let s = 0; s < count; s++) {
      if (!sourceClasses[s]) continue;
      const tEg = egTable(s);
      // Each destination once, though several egress rules may reach it (stamps as above).
      const visit = (d: number) => {
        if (destinationClasses[d] || stamp[d] === -2 - s) return;
        stamp[d] = -2 - s;
        evaluate(s, d, inTable(d));
      };
      if (tEg !== 0) for (let e = egReg.tableStart[tEg]; e < egReg.tableEnd[tEg]; e++) egReg.entryClasses[e].forEach(visit);
      else for (let d = 0; d < count; d++) visit(d);
    }
  }
}

/**
 * The source-by-source pass into destinations no policy isolates for ingress runs when they are
 * at least one class in this many (open L: 4,150 of 25,000; L: 2).
 */
const OPEN_PASS_SHARE = 64;

/** The classes of each signature `0..sigCount-1` (in `classSig`), ascending: a counting sort, as signature ids are dense. */
function membersBySignature(classSig: Int32Array, sigCount: number): Int32Array[] {
  const sizes = new Int32Array(sigCount);
  for (let c = 0; c < classSig.length; c++) sizes[classSig[c]]++;
  const members: Int32Array[] = new Array(sigCount);
  for (let g = 0; g < sigCount; g++) members[g] = new Int32Array(sizes[g]);
  const fill = new Int32Array(sigCount);
  for (let c = 0; c < classSig.length; c++) members[classSig[c]][fill[classSig[c]]++] = c;
  return members;
}

/** The classes whose signature (in `classSig`) is `sig`, ascending. */
function classesWithSignature(classSig: Int32Array, sig: number): Int32Array {
  let n = 0;
  for (let c = 0; c < classSig.length; c++) if (classSig[c] === sig) n++;
  const out = new Int32Array(n);
  for (let c = 0, k = 0; c < classSig.length; c++) if (classSig[c] === sig) out[k++] = c;
  return out;
}

/**
 * Hands `emit` every pair from a class isolated for egress to a class of `openIn` (the classes no
 * policy isolates for ingress), with the ports the source's egress allows to it (named ports
 * resolved on the destination).
 * Per egress signature, its rules are scattered over the unisolated destinations they admit (each
 * rule's class set met with those destinations once, then shared), and the result goes to every
 * class with that signature: no rule is asked about one destination at a time.
 */
function visitOpenDestinations(state: EngineState, openIn: Int32Array, members: readonly Int32Array[], emit: (s: number, d: number, allowed: number) => void): void {
  const { layout, ctx } = state;
  const ports = ctx.ports;
  const count = layout.count;
  const portMap = layout.classPortMap;
  const reg = ctx.signatures.egress;
  const openBits = bitsOf(openIn, count);
  // The unisolated destinations of each distinct class set (rules share cached sets).
  const openParts = new Map<ClassSet, Int32Array>();
  // Each part is found in one scratch buffer and copied out at its length (no list grown per set).
  const scratch = new Int32Array(openIn.length);
  const noPart = new Int32Array(0);
  const openPart = (set: ClassSet): Int32Array => {
    let part = openParts.get(set);
    if (!part) {
      if (set.isAll) part = openIn;
      else {
        let found = 0;
        if (set.bits) {
          const bits = set.bits;
          for (let w = 0; w < bits.length; w++) {
            let word = bits[w] & openBits[w];
            while (word !== 0) {
              const low = word & -word;
              scratch[found++] = (w << 5) | (31 - Math.clz32(low));
              word ^= low;
            }
          }
        } else if (set.list) {
          const list = set.list;
          for (let i = 0; i < list.length; i++) if ((openBits[list[i] >>> 5] & (1 << (list[i] & 31))) !== 0) scratch[found++] = list[i];
        }
        part = found === 0 ? noPart : scratch.slice(0, found);
      }
      openParts.set(set, part);
    }
    return part;
  };
  const stamp = new Int32Array(count).fill(-1);
  const acc = new Int32Array(count);
  const touched = new Int32Array(openIn.length);
  for (let g = 1; g < members.length; g++) {
    const sources = members[g];
    if (sources.length === 0) continue;
    let n = 0;
    ctx.table('egress', g);
    for (let e = reg.tableStart[g]; e < reg.tableEnd[g]; e++) {
      const part = openPart(reg.entryClasses[e]);
      const spec = reg.entrySpec[e];
      for (let i = 0; i < part.length; i++) {
        const d = part[i];
        const entryPorts = ports.resolve(spec, portMap[d]);
        if (entryPorts === PortSetTable.EMPTY) continue;
        if (stamp[d] !== g) {
          stamp[d] = g;
          acc[d] = entryPorts;
          touched[n++] = d;
        } else if (acc[d] !== PortSetTable.ALL) acc[d] = ports.union(acc[d], entryPorts);
      }
    }
    for (let m = 0; m < sources.length; m++) {
      const s = sources[m];
      for (let i = 0; i < n; i++) emit(s, touched[i], acc[touched[i]]);
    }
  }
}

/**
 * Per workload: 1 when a workload of another namespace reaches it through a pair compact data
 * lists (the open product is left to the caller). Each destination class stops at its first
 * such source, so this costs far less than listing the pairs.
 */
export function reachedFromOtherNamespaces(state: EngineState): Uint8Array {
  const { layout } = state;
  const reached = new Uint8Array(layout.inventory.workloads.length);
  const settled = new Uint8Array(layout.count);
  const classNs = layout.classNs;
  // The emit of one class pair lists every workload of the destination class before the flag is read.
  const sink: PairSink = {
    add(_ws, wd, _ports, s, d) {
      if (classNs[s] === classNs[d]) return;
      reached[wd] = 1;
      settled[d] = 1;
    },
  };
  visitPairs(state, sink, undefined, true, settled);
  return reached;
}

/** Per workload, the ports open from (ingress) or to (egress) each external address. */
export function externalReach(state: EngineState, scope?: ConnectivityScope): Pick<ConnectivityData, 'ingressExternal' | 'egressExternal'> {
  const { layout, ctx } = state;
  const ports = ctx.ports;
  const workloadCount = layout.inventory.workloads.length;
  const inSig = state.ingress.classSig;
  const egSig = state.egress.classSig;
  const portMap = layout.classPortMap;
  const ingressExternal = new Map<number, PiecewisePorts>();
  const egressExternal = new Map<number, PiecewisePorts>();
  for (let w = 0; w < workloadCount; w++) {
    const wantIngress = !scope || scope.destinations[w] === 1;
    const wantEgress = !scope || scope.sources[w] === 1;
    if (!wantIngress && !wantEgress) continue;
    let inFn = NO_PIECES;
    let egFn = NO_PIECES;
    for (let k = layout.workloadClassStart[w]; k < layout.workloadClassStart[w + 1]; k++) {
      const c = layout.workloadClassIds[k];
      if (wantIngress) inFn = unionPiecewise(inFn, ctx.external('ingress', inSig[c], portMap[c]), ports);
      if (wantEgress) egFn = unionPiecewise(egFn, ctx.external('egress', egSig[c], portMap[c]), ports);
    }
    if (inFn.ports.length > 0) ingressExternal.set(w, inFn);
    if (egFn.ports.length > 0) egressExternal.set(w, egFn);
  }
  return { ingressExternal, egressExternal };
}

/** The open product of compact data (see OpenProduct). */
export function openProduct(state: EngineState): OpenProduct {
  const { layout } = state;
  const workloadCount = layout.inventory.workloads.length;
  const inSig = state.ingress.classSig;
  const egSig = state.egress.classSig;
  const openOut = new Uint8Array(workloadCount);
  const openIn = new Uint8Array(workloadCount);
  const selfOpen = new Uint8Array(workloadCount);
  const { workloadClassStart, workloadClassIds, classWorkloadStart, classWorkloadPairs } = layout;
  let inCount = 0;
  for (let w = 0; w < workloadCount; w++) {
    let outs = 0;
    let ins = 0;
    // Classes open both ways where w has a single pod: that pod to itself is no flow.
    let lonely = 0;
    for (let k = workloadClassStart[w]; k < workloadClassStart[w + 1]; k++) {
      const c = workloadClassIds[k];
      const out = egSig[c] === 0;
      const inbound = inSig[c] === 0;
      if (out) outs++;
      if (inbound) ins++;
      if (out && inbound) {
        for (let i = classWorkloadStart[c]; i < classWorkloadStart[c + 1]; i += 2) if (classWorkloadPairs[i] === w && classWorkloadPairs[i + 1] < 2) lonely++;
      }
    }
    if (outs > 0) openOut[w] = 1;
    if (ins > 0) {
      openIn[w] = 1;
      inCount++;
    }
    if (outs * ins > lonely) selfOpen[w] = 1;
  }
  const openInIds = new Int32Array(inCount);
  for (let w = 0, i = 0; w < workloadCount; w++) if (openIn[w]) openInIds[i++] = w;
  return { openOut, openIn, openInIds, selfOpen };
}

/** Inverted egress index: for each destination class, the egress signatures that can reach it (`members`: the classes of each). */
function buildEgressReach(state: EngineState, members: Int32Array[]): EgressReach {
  const { layout, ctx } = state;
  const count = layout.count;
  const reg = ctx.signatures.egress;
  const sigCount = members.length;
  const sinkStart = new Int32Array(count + 1);
  const narrowSigs: number[] = [];
  const reachesAll: number[] = [];
  const wideBits: Uint32Array[] = [];
  const wideMemberLists: number[][] = [];
  // Wide unions by a hash of their words, verified word by word.
  const wideByHash = new Map<number, number[]>();
  const sigReach = new Uint8Array(sigCount).fill(REACH_NONE);
  sigReach[0] = REACH_UNISOLATED;
  const wideIndex = new Int32Array(sigCount).fill(-1);
  // Indexing a signature costs the size of its union: wide ones are tested per destination instead.
  const narrow = Math.max(256, count >>> 6);
  const seen = new Int32Array(count);
  // The visitors of the narrow signatures' entries, made once (`sig` is the signature at hand):
  // a closure per entry (45,000 at L) would capture a fresh `g` each time.
  let sig = 0;
  const countSink = (d: number): void => {
    if (seen[d] !== sig) {
      seen[d] = sig;
      sinkStart[d + 1]++;
    }
  };
  for (let g = 1; g < sigCount; g++) {
    if (members[g].length === 0) continue;
    ctx.table('egress', g);
    if (reg.admitsAll[g] === 1) {
      sigReach[g] = REACH_ALL;
      for (const c of members[g]) reachesAll.push(c);
    } else if (reg.sizeBound[g] > narrow) {
      sigReach[g] = REACH_WIDE;
      const bits = toBits(reg, g, count);
      let hash = 0;
      for (let w = 0; w < bits.length; w++) hash = mix(hash, bits[w]);
      const bucket = wideByHash.get(hash);
      let u = -1;
      if (bucket) for (let k = 0; k < bucket.length && u < 0; k++) if (sameWords(wideBits[bucket[k]], bits)) u = bucket[k];
      if (u < 0) {
        u = wideBits.length;
        wideBits.push(bits);
        wideMemberLists.push([]);
        if (bucket) bucket.push(u);
        else wideByHash.set(hash, [u]);
      }
      wideIndex[g] = u;
      for (const c of members[g]) wideMemberLists[u].push(c);
    } else {
      sigReach[g] = REACH_NARROW;
      narrowSigs.push(g);
      // Rules of one signature may overlap: count each destination once (`seen` holds the last g).
      sig = g;
      for (let e = reg.tableStart[g]; e < reg.tableEnd[g]; e++) reg.entryClasses[e].forEach(countSink);
    }
  }
  // Compressed rows: counts, prefix sums, then a fill in ascending signature order.
  for (let d = 0; d < count; d++) sinkStart[d + 1] += sinkStart[d];
  const sinkSigs = new Int32Array(sinkStart[count]);
  const cursor = sinkStart.slice(0, count);
  seen.fill(0);
  const fillSink = (d: number): void => {
    if (seen[d] !== sig) {
      seen[d] = sig;
      sinkSigs[cursor[d]++] = sig;
    }
  };
  for (let k = 0; k < narrowSigs.length; k++) {
    sig = narrowSigs[k];
    for (let e = reg.tableStart[sig]; e < reg.tableEnd[sig]; e++) reg.entryClasses[e].forEach(fillSink);
  }
  const unisolated = members[0] ?? new Int32Array(0);
  const reachesAllIds = Int32Array.from(reachesAll).sort();
  return {
    sigReach,
    wideIndex,
    unisolated,
    unisolatedBits: bitsOf(unisolated, count),
    reachesAll: reachesAllIds,
    reachesAllBits: bitsOf(reachesAllIds, count),
    members,
    memberCount: Int32Array.from(members, (m) => m.length),
    memberBits: new Array(sigCount),
    sinkStart,
    sinkSigs,
    wideCount: wideBits.length,
    wideByWord: byWord(wideBits, (count + 31) >>> 5),
    wideMembers: wideMemberLists.map((list) => Int32Array.from(list).sort()),
    wideMemberCount: Int32Array.from(wideMemberLists, (list) => list.length),
    wideMemberBits: new Array(wideBits.length),
  };
}

/** Bitsets of `words` words each, stored word by word (word w of set u at `w * sets.length + u`). */
function byWord(sets: readonly Uint32Array[], words: number): Uint32Array {
  const out = new Uint32Array(words * sets.length);
  for (let u = 0; u < sets.length; u++) {
    const bits = sets[u];
    for (let w = 0; w < words; w++) out[w * sets.length + u] = bits[w];
  }
  return out;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Class ids as a bitset. */
function bitsOf(ids: Int32Array, universe: number): Uint32Array {
  const bits = new Uint32Array((universe + 31) >>> 5);
  for (let i = 0; i < ids.length; i++) bits[ids[i] >>> 5] |= 1 << (ids[i] & 31);
  return bits;
}

/** The classes the (built) table of signature `s` admits, as a bitset. */
function toBits(reg: SignatureRegistry, s: number, universe: number): Uint32Array {
  const bits = new Uint32Array((universe + 31) >>> 5);
  for (let e = reg.tableStart[s]; e < reg.tableEnd[s]; e++) {
    const set = reg.entryClasses[e];
    if (set.bits) {
      const other = set.bits;
      for (let i = 0; i < other.length; i++) bits[i] |= other[i];
    } else set.forEach((id) => (bits[id >>> 5] |= 1 << (id & 31)));
  }
  return bits;
}
