import { ClassSet } from './class-set.util';
import type { ClassLayout } from './class-layout.util';
import { type AddressSet, NO_ADDRESSES } from './ip-address.util';
import { mix } from './hash.util';
import { ALL_PIECES, buildPiecewise, NO_PIECES, type PiecewisePorts } from './piecewise-ports.util';
import type { IrContext, PolicyIR, RuleIR } from './policy-ir.util';
import { PortSetTable } from './port-set.util';

export type Direction = 'ingress' | 'egress';

const NO_RULES: readonly BoundRule[] = [];

/** A rule bound to a class layout: the classes and external addresses it admits, and its ports. */
export interface BoundRule {
  classes: ClassSet;
  addresses: AddressSet;
  spec: number;
}

/**
 * A policy bound to a class layout. Its rules are a range of the layout context's `rules` (one
 * array for every policy: no array per policy and direction); a start of -1 means the policy does
 * not isolate that direction.
 */
export interface BoundPolicy {
  ir: PolicyIR;
  selected: ClassSet;
  ingressStart: number;
  ingressEnd: number;
  egressStart: number;
  egressEnd: number;
}

/** Whether the policy isolates the direction (has a rule list for it, possibly empty). */
export function isolates(policy: BoundPolicy, direction: Direction): boolean {
  return (direction === 'ingress' ? policy.ingressStart : policy.egressStart) >= 0;
}

/**
 * Policies of one direction that select the same classes: those sharing a namespace and a
 * podSelector get the very same (cached) ClassSet object, which is the group's key.
 */
export interface PolicyGroup {
  id: number;
  selected: ClassSet;
  policies: readonly BoundPolicy[];
}

/**
 * Classes a side admits on one port spec: the rule itself when it is the only one with that spec
 * (no object per entry), else a rule-shaped object holding the union of the rules' classes.
 */
export type SideEntry = BoundRule;

/**
 * What one side allows for a signature: per distinct port spec, the classes its rules admit (a
 * rule's own set when it is the only one with that spec; no overall union is built), and the
 * rules that admit external addresses. `sizeBound` is the sum of the entries' sizes, an upper
 * bound on the classes admitted; `lookupCost` the steps of asking every entry whether it admits
 * one class (one per bitset, a binary search's per list).
 */
export interface SideTable {
  entries: readonly SideEntry[];
  /** Whether some entry admits every class. */
  admitsAll: boolean;
  sizeBound: number;
  lookupCost: number;
  addressEntries: readonly BoundRule[];
}

/**
 * The set of policy groups selecting a class in one direction. Classes with the same signature
 * are treated alike on that side; signature 0 (no group) means not isolated.
 */
export interface Signature {
  id: number;
  groups: readonly PolicyGroup[];
  table?: SideTable;
  /** External functions per port map id: the first one inline (usually the only one), others in a map. */
  externalPm?: number;
  externalFn?: PiecewisePorts;
  external?: Map<number, PiecewisePorts>;
  /** The next signature with the same hash (LayoutContext's registry chains them: no array per hash). */
  nextInBucket: Signature | undefined;
}

/** Caches shared by every analysis built on one class layout (immutable entries only). */
export class LayoutContext {
  private nextGroupId = 1;
  /** Per direction: each signature by id, and the first signature of each hash (see `nextInBucket`). */
  readonly signatures: Record<Direction, { byHash: Map<number, Signature>; byId: Signature[] }>;
  /** Every bound policy's rules, policy after policy (see BoundPolicy). */
  readonly rules: BoundRule[] = [];
  /** Bound policies by `PolicyIR.id` (the IR context is shared by every layout of a lineage). */
  private readonly bound: (BoundPolicy | undefined)[] = [];

  private readonly externals = new Map<string, PiecewisePorts>();

  constructor(
    readonly layout: ClassLayout,
    readonly ports: PortSetTable,
    readonly ir: IrContext,
  ) {
    const unisolated = (): { byHash: Map<number, Signature>; byId: Signature[] } => {
      const sig: Signature = { id: 0, groups: [], table: undefined, externalPm: undefined, externalFn: undefined, external: undefined, nextInBucket: undefined };
      return { byHash: new Map(), byId: [sig] };
    };
    this.signatures = { ingress: unisolated(), egress: unisolated() };
  }

  newGroupId(): number {
    return this.nextGroupId++;
  }

  bind(ir: PolicyIR): BoundPolicy {
    let bound = this.bound[ir.id];
    if (!bound) {
      const layout = this.layout;
      const nsId = layout.inventory.namespaceByName.get(ir.namespace);
      const selected = nsId === undefined ? layout.none : layout.selectClasses(nsId, undefined, undefined, ir.podSelector, ir.podSelectorId);
      const rules = this.rules;
      const ingressStart = ir.ingress ? rules.length : -1;
      if (ir.ingress) for (const rule of ir.ingress) rules.push(this.bindRule(rule, nsId));
      const ingressEnd = rules.length;
      const egressStart = ir.egress ? rules.length : -1;
      if (ir.egress) for (const rule of ir.egress) rules.push(this.bindRule(rule, nsId));
      bound = { ir, selected, ingressStart, ingressEnd, egressStart, egressEnd: rules.length };
      this.bound[ir.id] = bound;
    }
    return bound;
  }

  /** A rule of a policy in namespace `nsId` (undefined: a namespace without pods or labels listed). */
  private bindRule(rule: RuleIR, nsId: number | undefined): BoundRule {
    const layout = this.layout;
    if (!rule.peers) return { classes: layout.all, addresses: rule.addresses, spec: rule.spec };
    const irContext = this.ir;
    // Most rules have one peer: its set is the rule's, no list made for a union.
    let first: ClassSet | undefined;
    let more: ClassSet[] | undefined;
    for (const peer of rule.peers) {
      let set: ClassSet | undefined;
      if (peer.ipBlock) set = layout.classesInAddresses(irContext.block(peer.ipBlock));
      else if (peer.namespaceSelector) {
        const podKey = peer.podSelector ? irContext.selectorId(peer.podSelector) : 0;
        set = layout.selectClasses(undefined, peer.namespaceSelector, irContext.selectorId(peer.namespaceSelector), peer.podSelector, podKey);
      } else if (peer.podSelector && nsId !== undefined) set = layout.selectClasses(nsId, undefined, undefined, peer.podSelector, irContext.selectorId(peer.podSelector));
      if (!set || set.size === 0) continue;
      if (!first) first = set;
      else (more ??= [first]).push(set);
    }
    const classes = more ? ClassSet.union(layout.count, more) : (first ?? layout.none);
    return { classes, addresses: rule.addresses, spec: rule.spec };
  }

  /** The signature of a group list sorted by id. */
  signature(direction: Direction, groups: readonly PolicyGroup[]): Signature {
    return this.signatureOfRow(direction, Int32Array.from(groups.keys()), 0, groups.length, groups);
  }

  /**
   * The signature of the groups `groupList[rows[from .. to - 1]]` (ascending ids): hashed and
   * verified, as this runs once per class; a group list is built only for a new signature.
   */
  signatureOfRow(direction: Direction, rows: Int32Array, from: number, to: number, groupList: readonly PolicyGroup[]): Signature {
    const registry = this.signatures[direction];
    let hash = to - from;
    for (let k = from; k < to; k++) hash = mix(hash, groupList[rows[k]].id);
    const head = registry.byHash.get(hash);
    for (let sig = head; sig !== undefined; sig = sig.nextInBucket) {
      const groups = sig.groups;
      if (groups.length !== to - from) continue;
      let same = true;
      for (let k = from; k < to && same; k++) same = groups[k - from] === groupList[rows[k]];
      if (same) return sig;
    }
    const groups: PolicyGroup[] = new Array(to - from);
    for (let k = from; k < to; k++) groups[k - from] = groupList[rows[k]];
    const sig: Signature = { id: registry.byId.length, groups, table: undefined, externalPm: undefined, externalFn: undefined, external: undefined, nextInBucket: head };
    registry.byHash.set(hash, sig);
    registry.byId.push(sig);
    return sig;
  }

  table(direction: Direction, sig: Signature): SideTable {
    sig.table ??= this.buildTable(direction, sig);
    return sig.table;
  }

  /**
   * Rules grouped by port spec. Tables are built for nearly every class and kept with their
   * signature, so they are built with as few objects as possible: an entry is its rule, and only
   * specs that several rules share collect their sets for a union (a new entry of the same shape).
   */
  private buildTable(direction: Direction, sig: Signature): SideTable {
    const entries: SideEntry[] = [];
    // Per entry index, the further class sets sharing its spec (only for specs seen twice).
    let shared: ClassSet[][] | undefined;
    let specIndex: Map<number, number> | undefined;
    let addressEntries: BoundRule[] | undefined;
    const rules = this.rules;
    const ingress = direction === 'ingress';
    for (const group of sig.groups) {
      for (const policy of group.policies) {
        const end = ingress ? policy.ingressEnd : policy.egressEnd;
        for (let r = ingress ? policy.ingressStart : policy.egressStart; r >= 0 && r < end; r++) {
          const rule = rules[r];
          if (rule.addresses.length > 0) (addressEntries ??= []).push(rule);
          if (rule.classes.size === 0) continue;
          // Linear search while short; a map once a signature has many specs (one namespace, thousands of policies).
          let i = -1;
          if (specIndex) i = specIndex.get(rule.spec) ?? -1;
          else for (let k = 0; k < entries.length && i < 0; k++) if (entries[k].spec === rule.spec) i = k;
          if (i < 0) {
            entries.push(rule);
            if (specIndex) specIndex.set(rule.spec, entries.length - 1);
            else if (entries.length > 16) specIndex = new Map(entries.map((entry, k) => [entry.spec, k]));
          } else {
            shared ??= [];
            (shared[i] ??= [entries[i].classes]).push(rule.classes);
          }
        }
      }
    }
    const count = this.layout.count;
    let admitsAll = false;
    let sizeBound = 0;
    let lookupCost = 0;
    for (let i = 0; i < entries.length; i++) {
      const sets = shared?.[i];
      // Same field order as a bound rule's literal: one object shape in the entries' hot loops.
      if (sets) entries[i] = { classes: ClassSet.union(count, sets), addresses: NO_ADDRESSES, spec: entries[i].spec };
      const classes = entries[i].classes;
      sizeBound += classes.size;
      lookupCost += classes.list ? 32 - Math.clz32(classes.list.length) : 1;
      if (classes.isAll) admitsAll = true;
    }
    // Kept at their exact length (arrays grown by push reserve spare slots; a table is kept per signature).
    return { entries: entries.slice(), admitsAll, sizeBound: Math.min(sizeBound, count), lookupCost: Math.max(lookupCost, 1), addressEntries: addressEntries ? addressEntries.slice() : NO_RULES };
  }

  /** What a side allows to or from external addresses, for a pod with the given named ports. */
  external(direction: Direction, sig: Signature, portMapId: number): PiecewisePorts {
    if (sig.id === 0) return ALL_PIECES;
    // Named ports never match an external destination, so egress ignores the port map.
    const pm = direction === 'egress' ? 0 : portMapId;
    if (sig.externalPm === pm && sig.externalFn) return sig.externalFn;
    let fn = sig.external?.get(pm);
    if (!fn) {
      fn = this.buildExternal(direction, sig, pm);
      if (sig.externalFn === undefined) {
        sig.externalPm = pm;
        sig.externalFn = fn;
      } else {
        sig.external ??= new Map();
        sig.external.set(pm, fn);
      }
    }
    return fn;
  }

  private buildExternal(direction: Direction, sig: Signature, pm: number): PiecewisePorts {
    const table = this.table(direction, sig);
    if (table.addressEntries.length === 0) return NO_PIECES;
    const entries = table.addressEntries.map((e) => ({ addresses: e.addresses, ports: this.ports.resolve(e.spec, pm) }));
    // Many signatures (one per namespace) allow the same addresses: share one function object.
    const key = entries.map((e) => `${this.ir.addressId(e.addresses)}:${e.ports}`).sort().join(',');
    let fn = this.externals.get(key);
    if (!fn) {
      fn = buildPiecewise(entries, this.ports);
      this.externals.set(key, fn);
    }
    return fn;
  }
}

/** Which groups select which classes, and each class's signature, for one direction. */
export class DirectionIndex {
  private constructor(
    readonly direction: Direction,
    readonly classSig: Int32Array,
    readonly sigs: Signature[],
  ) {}

  /**
   * The group of the policies whose podSelector resolved to `key` (the cached set is the group's
   * key), if any. A group selects at least one class, and every class's signature lists the groups
   * selecting it: the first class of `key` finds it, with no map of 50,000 groups kept per direction.
   */
  private groupOf(key: ClassSet): PolicyGroup | undefined {
    let found: PolicyGroup | undefined;
    key.some((c) => {
      for (const group of this.classGroups(c) ?? []) if (group.selected === key) found = group;
      return true;
    });
    return found;
  }

  /** The groups selecting class `c`, ascending by id (its signature's list), or undefined when none does. */
  classGroups(c: number): readonly PolicyGroup[] | undefined {
    return this.classSig[c] === 0 ? undefined : this.sigs[this.classSig[c]].groups;
  }

  static build(direction: Direction, policies: readonly BoundPolicy[], ctx: LayoutContext): DirectionIndex {
    // One group per distinct selected set, numbered as first met; its policy list is its own, sorted in place.
    const byKey = new Map<ClassSet, PolicyGroup>();
    const groupList: PolicyGroup[] = [];
    for (let i = 0; i < policies.length; i++) {
      const policy = policies[i];
      if (!isolates(policy, direction) || policy.selected.size === 0) continue;
      const group = byKey.get(policy.selected);
      if (group) (group.policies as BoundPolicy[]).push(policy);
      else {
        const created: PolicyGroup = { id: ctx.newGroupId(), selected: policy.selected, policies: [policy] };
        byKey.set(policy.selected, created);
        groupList.push(created);
      }
    }
    for (let g = 0; g < groupList.length; g++) sortByPolicyKey(groupList[g].policies as BoundPolicy[]);
    // Each class's groups as compressed rows (counts, prefix sums, fill), in ascending group id.
    const count = ctx.layout.count;
    const start = new Int32Array(count + 1);
    const countClass = (c: number): void => void start[c + 1]++;
    for (let g = 0; g < groupList.length; g++) groupList[g].selected.forEach(countClass);
    for (let c = 0; c < count; c++) start[c + 1] += start[c];
    const rows = new Int32Array(start[count]);
    const cursor = start.slice(0, count);
    let current = 0;
    const fillClass = (c: number): void => void (rows[cursor[c]++] = current);
    for (current = 0; current < groupList.length; current++) groupList[current].selected.forEach(fillClass);
    // Classes with one signature share its group list: no list per class.
    const classSig = new Int32Array(count);
    for (let c = 0; c < count; c++) {
      if (start[c] === start[c + 1]) continue;
      classSig[c] = ctx.signatureOfRow(direction, rows, start[c], start[c + 1], groupList).id;
    }
    return new DirectionIndex(direction, classSig, ctx.signatures[direction].byId);
  }

  /**
   * A copy with some policies removed and others added; only the classes those policies select
   * get a new signature. Returns the classes whose signature changed.
   */
  withChanges(removed: readonly BoundPolicy[], added: readonly BoundPolicy[], ctx: LayoutContext): { index: DirectionIndex; changed: Int32Array } {
    const direction = this.direction;
    const touchedKeys = new Set<ClassSet>();
    for (const p of [...removed, ...added]) if (isolates(p, direction) && p.selected.size > 0) touchedKeys.add(p.selected);
    if (touchedKeys.size === 0) return { index: this, changed: new Int32Array(0) };
    const replaced = new Map<number, PolicyGroup | undefined>();
    const affectedSets: ClassSet[] = [];
    const removedSet = new Set(removed);
    const addedGroups: PolicyGroup[] = [];
    for (const key of touchedKeys) {
      const old = this.groupOf(key);
      const list = (old?.policies ?? []).filter((p) => !removedSet.has(p));
      for (const p of added) if (isolates(p, direction) && p.selected === key) list.push(p);
      const next = list.length > 0 ? newGroup(list, ctx) : undefined;
      affectedSets.push(key);
      if (old) replaced.set(old.id, next);
      else if (next) addedGroups.push(next);
    }
    const classSig = this.classSig.slice();
    const changed: number[] = [];
    ClassSet.union(ctx.layout.count, affectedSets).forEach((c) => {
      const list: PolicyGroup[] = [];
      for (const g of this.classGroups(c) ?? []) {
        if (!replaced.has(g.id)) list.push(g);
        else {
          const next = replaced.get(g.id);
          if (next && next.selected.has(c)) list.push(next);
        }
      }
      for (const g of addedGroups) if (g.selected.has(c)) list.push(g);
      if (!sortedById(list)) list.sort((a, b) => a.id - b.id);
      const sig = list.length > 0 ? ctx.signature(direction, list).id : 0;
      if (sig !== classSig[c]) {
        classSig[c] = sig;
        changed.push(c);
      }
    });
    return { index: new DirectionIndex(direction, classSig, ctx.signatures[direction].byId), changed: Int32Array.from(changed) };
  }
}

function sortedById(groups: readonly PolicyGroup[]): boolean {
  for (let i = 1; i < groups.length; i++) if (groups[i - 1].id > groups[i].id) return false;
  return true;
}

/** Policies in `namespace/name` order; within one namespace (a group's case) by name, no key joined. */
function byPolicyKey(a: BoundPolicy, b: BoundPolicy): number {
  const x = a.ir.namespace === b.ir.namespace ? a.ir.name : a.ir.key;
  const y = a.ir.namespace === b.ir.namespace ? b.ir.name : b.ir.key;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Sorts a group's policies by `byPolicyKey` in place. Nearly every group holds one or two
 * policies: those are ordered without a call into the built-in sort, which allocates a work area.
 */
function sortByPolicyKey(policies: BoundPolicy[]): void {
  if (policies.length < 2) return;
  if (policies.length === 2) {
    if (byPolicyKey(policies[0], policies[1]) > 0) {
      const first = policies[0];
      policies[0] = policies[1];
      policies[1] = first;
    }
    return;
  }
  policies.sort(byPolicyKey);
}

function newGroup(policies: BoundPolicy[], ctx: LayoutContext): PolicyGroup {
  const sorted = policies.slice();
  sortByPolicyKey(sorted);
  return { id: ctx.newGroupId(), selected: policies[0].selected, policies: sorted };
}
