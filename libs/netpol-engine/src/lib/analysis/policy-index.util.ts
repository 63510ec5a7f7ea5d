import { ClassSet, type IdList } from './class-set.util';
import type { ClassLayout } from './class-layout.util';
import { grownColumn } from './int32-column.util';
import type { AddressSet } from './ip-address.util';
import { mix } from './hash.util';
import { ALL_PIECES, buildPiecewise, NO_PIECES, type PiecewisePorts } from './piecewise-ports.util';
import type { IrContext, PolicyIR } from './policy-ir.util';
import { PortSetTable } from './port-set.util';

export type Direction = 'ingress' | 'egress';

/**
 * What one direction's policies allow, stored as columns indexed by signature id (Int32Arrays of
 * numbers; the table entries' class sets, shared with the rules, in plain arrays), not an object
 * per signature, group and table.
 * An analysis of 60,000 policies has about 45,000 signatures and 50,000 groups per lineage; as
 * objects with their lists they were a third of what each analysis kept, and the young
 * generation's collector copied all of it.
 *
 * A signature is the set of policy groups selecting a class in this direction: classes with the
 * same signature are treated alike on this side; signature 0 (no group) means not isolated. Its
 * groups are `groups[groupStart[s] .. groupStart[s] + groupCount[s] - 1]`, ascending.
 *
 * Its table (built on first use, `table(s)`): per distinct port spec of its rules, the classes
 * they admit, `entryClasses[e]` / `entrySpec[e]` for `e` in `tableStart[s] .. tableEnd[s] - 1`
 * (a rule's own set when it is the only one with that spec; a union otherwise); the rules that
 * admit external addresses, `addressRules[addressStart[s] .. addressEnd[s] - 1]`; `sizeBound` the
 * sum of the entries' sizes (an upper bound on the classes admitted), `lookupCost` the steps of
 * asking every entry whether it admits one class (one per bitset, a binary search's per list),
 * `admitsAll` 1 when some entry admits every class.
 */
export class SignatureRegistry {
  /** Signatures so far (ids 0 .. count - 1). */
  count = 1;
  /**
   * The per-signature columns are Int32Arrays with room for `reserve`d signatures (the classes of a
   * direction index being built): filled in place, where arrays grown by push allocated about three
   * times their final length (about a tenth of what an analysis of 100,000 pods allocated).
   */
  groupStart = new Int32Array(1);
  groupCount = new Int32Array(1);
  /** Ids of groups, `groupsLength` of them so far. */
  groups = new Int32Array(0);
  private groupsLength = 0;
  /**
   * Signatures by hash: an open hash table of chains, `buckets[hash & (buckets.length - 1)]` the
   * first signature (-1: none), `nextInBucket[s]` the next (-1 ends); `hashes[s]` each one's hash,
   * for rehashing when `reserve` grows the table (kept at most half full). Typed arrays, where a Map of 45,000
   * signatures allocated 3.7 MB growing an analysis of 100,000 pods.
   */
  private nextInBucket = new Int32Array([-1]);
  private hashes = new Int32Array(1);
  private buckets = new Int32Array(64).fill(-1);

  /** -1 until the signature's table is built. */
  tableStart = new Int32Array([-1]);
  tableEnd = new Int32Array([-1]);
  readonly entryClasses: ClassSet[] = [];
  /**
   * Per entry, its class set's bitset, else its id list (null when the set has the other form, both
   * null: every class): lookups read these without loading each ClassSet, a cache miss apiece.
   */
  readonly entryBits: (Uint32Array | null)[] = [];
  readonly entryList: (IdList | null)[] = [];
  readonly entrySpec: number[] = [];
  admitsAll = new Int32Array(1);
  sizeBound = new Int32Array(1);
  lookupCost = new Int32Array(1);
  addressStart = new Int32Array(1);
  addressEnd = new Int32Array(1);
  /** Rule ids (the IR context's rule columns). */
  readonly addressRules: number[] = [];
  // The external functions built per signature: the first one's port map and function, then any more by map.
  private externalPm = new Int32Array([-1]);
  private readonly externalFn: (PiecewisePorts | undefined)[] = [undefined];
  private readonly externalMore = new Map<number, Map<number, PiecewisePorts>>();

  constructor(readonly direction: Direction) {}

  /** Makes room for `signatures` more signatures listing `groups` group ids in all, so none of them grows a column. */
  reserve(signatures: number, groups: number): void {
    const needed = this.count + signatures;
    if (needed > this.groupStart.length) {
      this.groupStart = grownColumn(this.groupStart, needed, 0);
      this.groupCount = grownColumn(this.groupCount, needed, 0);
      this.nextInBucket = grownColumn(this.nextInBucket, needed, -1);
      this.hashes = grownColumn(this.hashes, needed, 0);
      this.tableStart = grownColumn(this.tableStart, needed, -1);
      this.tableEnd = grownColumn(this.tableEnd, needed, -1);
      this.admitsAll = grownColumn(this.admitsAll, needed, 0);
      this.sizeBound = grownColumn(this.sizeBound, needed, 0);
      this.lookupCost = grownColumn(this.lookupCost, needed, 0);
      this.addressStart = grownColumn(this.addressStart, needed, 0);
      this.addressEnd = grownColumn(this.addressEnd, needed, 0);
      this.externalPm = grownColumn(this.externalPm, needed, -1);
    }
    if (2 * needed > this.buckets.length) this.rehash(2 * needed);
    if (this.groupsLength + groups > this.groups.length) this.groups = grownColumn(this.groups, this.groupsLength + groups, 0);
  }

  /** The signature of the group ids `list[from .. to - 1]` (ascending), registered when new. */
  signatureOf(list: ArrayLike<number>, from: number, to: number): number {
    let hash = to - from;
    for (let k = from; k < to; k++) hash = mix(hash, list[k]);
    const groups = this.groups;
    for (let s = this.buckets[hash & (this.buckets.length - 1)]; s >= 0; s = this.nextInBucket[s]) {
      if (this.groupCount[s] !== to - from) continue;
      const start = this.groupStart[s] - from;
      let same = true;
      for (let k = from; k < to && same; k++) same = groups[start + k] === list[k];
      if (same) return s;
    }
    this.reserve(1, to - from);
    const id = this.count++;
    const at = this.groupsLength;
    this.groupStart[id] = at;
    this.groupCount[id] = to - from;
    for (let k = from; k < to; k++) this.groups[at + k - from] = list[k];
    this.groupsLength = at + to - from;
    this.hashes[id] = hash;
    this.chain(id, hash);
    // The other columns hold their initial values (tables unbuilt, no external function) from `reserve`.
    this.externalFn.push(undefined);
    return id;
  }

  /** Links signature `s` at the head of its hash's chain. */
  private chain(s: number, hash: number): void {
    const bucket = hash & (this.buckets.length - 1);
    this.nextInBucket[s] = this.buckets[bucket];
    this.buckets[bucket] = s;
  }

  /** Rebuilds the hash table with `size` buckets or more (a power of two). */
  private rehash(size: number): void {
    this.buckets = new Int32Array(1 << (32 - Math.clz32(size - 1))).fill(-1);
    // Signature 0 (no group) is never looked up by hash.
    for (let s = 1; s < this.count; s++) this.chain(s, this.hashes[s]);
  }

  /** The external function of signature `s` for port map `pm`, if built. */
  externalOf(s: number, pm: number): PiecewisePorts | undefined {
    return this.externalPm[s] === pm ? this.externalFn[s] : this.externalMore.get(s)?.get(pm);
  }

  setExternal(s: number, pm: number, fn: PiecewisePorts): void {
    if (this.externalPm[s] < 0) {
      this.externalPm[s] = pm;
      this.externalFn[s] = fn;
    } else {
      let more = this.externalMore.get(s);
      if (!more) {
        more = new Map();
        this.externalMore.set(s, more);
      }
      more.set(pm, fn);
    }
  }
}

/**
 * Caches shared by every analysis built on one class layout (immutable entries only), as columns:
 * bound policies by `PolicyIR.id`, their rules by the IR context's rule id, and policy groups by
 * group id.
 *
 * A bound policy is the classes its podSelector selects (`selected[id]`) and its IR's rule ranges.
 * A bound rule is the classes it admits (`ruleClasses[r]`), with the external addresses and the
 * port spec of its IR (`IrContext.ruleAddresses`, `ruleSpec`).
 *
 * A group is the policies of one direction that select the same classes: those sharing a namespace
 * and a podSelector get the very same (cached) ClassSet object, `groupSelected[g]`, which is the
 * group's key; its policies, in `namespace/name` order, are `groupPolicies[groupPolicyStart[g] ..
 * groupPolicyEnd[g] - 1]`. Group ids count up across both directions and every derived analysis.
 */
export class LayoutContext {
  readonly signatures: Record<Direction, SignatureRegistry> = { ingress: new SignatureRegistry('ingress'), egress: new SignatureRegistry('egress') };

  /** By the IR context's rule id (rules of policies bound to this layout only). */
  readonly ruleClasses: (ClassSet | undefined)[] = [];

  /** By `PolicyIR.id` (the IR context is shared by every layout of a lineage). */
  private readonly irs: (PolicyIR | undefined)[] = [];
  private readonly selected: (ClassSet | undefined)[] = [];

  readonly groupSelected: ClassSet[];
  // Int32Arrays with room for the groups `reserveGroups` made room for (`groupSelected.length` so far) and
  // their policies (`groupPoliciesLength` so far): filled in place, not grown a push at a time.
  groupPolicyStart = new Int32Array(1);
  groupPolicyEnd = new Int32Array(1);
  groupPolicies = new Int32Array(0);
  private groupPoliciesLength = 0;

  private readonly externals = new Map<string, PiecewisePorts>();

  constructor(
    readonly layout: ClassLayout,
    readonly ports: PortSetTable,
    readonly ir: IrContext,
  ) {
    // Group ids start at 1.
    this.groupSelected = [layout.none];
  }

  /** The namespace of the policy bound last, and its id (policies come namespace by namespace). */
  private lastNamespace: string | undefined;
  private lastNamespaceId: number | undefined;

  /** Binds a policy to the layout (once per IR); returns its id. */
  bind(ir: PolicyIR): number {
    const id = ir.id;
    if (this.irs[id] === undefined) {
      const layout = this.layout;
      if (ir.namespace !== this.lastNamespace) {
        this.lastNamespace = ir.namespace;
        this.lastNamespaceId = layout.inventory.namespaceByName.get(ir.namespace);
      }
      const nsId = this.lastNamespaceId;
      // Ids count up over the lineage: a layout rebuilt after changes may bind an id far past the
      // columns' end, and writing there would turn an array into a dictionary.
      padTo(this.selected, id);
      padTo(this.irs, id);
      this.selected[id] = nsId === undefined ? layout.none : layout.selectClasses(nsId, undefined, undefined, ir.podSelector, ir.podSelectorId);
      this.bindRules(id, 'ingress', nsId);
      this.bindRules(id, 'egress', nsId);
      this.irs[id] = ir;
    }
    return id;
  }

  /** Binds the rules of policy `id` for `direction`. */
  private bindRules(id: number, direction: Direction, nsId: number | undefined): void {
    const end = this.ir.rulesEnd(id, direction);
    for (let r = this.ir.rulesStart(id, direction); r >= 0 && r < end; r++) this.bindRule(r, nsId);
  }

  /** The classes a bound policy selects. */
  selectedBy(policy: number): ClassSet {
    return this.selected[policy] as ClassSet;
  }

  /** Whether a bound policy isolates the direction (has a rule list for it, possibly empty). */
  private isolates(policy: number, direction: Direction): boolean {
    return this.ir.rulesStart(policy, direction) >= 0;
  }

  /** Whether a bound policy belongs to a group in the direction: it isolates it and selects some class. */
  isGrouped(policy: number, direction: Direction): boolean {
    return this.isolates(policy, direction) && (this.selected[policy] as ClassSet).size > 0;
  }

  /** Binds rule `r` of a policy in namespace `nsId` (undefined: a namespace without pods or labels listed). */
  private bindRule(r: number, nsId: number | undefined): void {
    const layout = this.layout;
    const irContext = this.ir;
    const peers = irContext.rulePeers[r];
    padTo(this.ruleClasses, r);
    if (!peers) {
      this.ruleClasses[r] = layout.all;
      return;
    }
    // Most rules have one peer: its set is the rule's, no list made for a union.
    let first: ClassSet | undefined;
    let more: ClassSet[] | undefined;
    const selectorIds = irContext.peerSelectorIds;
    for (let i = 0, at = irContext.rulePeerIds[r]; i < peers.length; i++, at += 2) {
      const peer = peers[i];
      let set: ClassSet | undefined;
      if (peer.ipBlock) set = layout.classesInAddresses(irContext.block(peer.ipBlock));
      else if (peer.namespaceSelector) set = layout.selectClasses(undefined, peer.namespaceSelector, selectorIds[at], peer.podSelector, selectorIds[at + 1]);
      else if (peer.podSelector && nsId !== undefined) set = layout.selectClasses(nsId, undefined, undefined, peer.podSelector, selectorIds[at + 1]);
      if (!set || set.size === 0) continue;
      if (!first) first = set;
      else (more ??= [first]).push(set);
    }
    this.ruleClasses[r] = more ? ClassSet.union(layout.count, more) : (first ?? layout.none);
  }

  /**
   * Groups the policies `ids` isolating `direction`, one group per distinct selected set, numbered
   * as first met; returns their ids (ascending). Each group's policies are laid out together.
   */
  groupPoliciesOf(direction: Direction, ids: readonly number[]): Int32Array {
    const byKey = new Map<ClassSet, number>();
    const keys: ClassSet[] = [];
    // Per policy of `ids`, the index in `keys` of its group (-1: not grouped); counts per group.
    const groupOf = new Int32Array(ids.length).fill(-1);
    const sizes = new Int32Array(ids.length);
    let grouped = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!this.isGrouped(id, direction)) continue;
      const selected = this.selected[id] as ClassSet;
      let k = byKey.get(selected);
      if (k === undefined) {
        k = keys.length;
        byKey.set(selected, k);
        keys.push(selected);
      }
      groupOf[i] = k;
      sizes[k]++;
      grouped++;
    }
    this.reserveGroups(keys.length, grouped);
    const first = this.groupSelected.length;
    const created = new Int32Array(keys.length);
    const fill = new Int32Array(keys.length);
    let at = this.groupPoliciesLength;
    for (let k = 0; k < keys.length; k++) {
      const g = first + k;
      created[k] = g;
      this.groupSelected.push(keys[k]);
      this.groupPolicyStart[g] = at;
      fill[k] = at;
      at += sizes[k];
      this.groupPolicyEnd[g] = at;
    }
    this.groupPoliciesLength = at;
    const policies = this.groupPolicies;
    for (let i = 0; i < ids.length; i++) {
      const k = groupOf[i];
      if (k >= 0) policies[fill[k]++] = ids[i];
    }
    for (let k = 0; k < created.length; k++) this.sortGroup(created[k]);
    return created;
  }

  /** A new group of the given policies (all selecting the same classes). */
  newGroup(ids: readonly number[]): number {
    this.reserveGroups(1, ids.length);
    const g = this.groupSelected.length;
    this.groupSelected.push(this.selected[ids[0]] as ClassSet);
    let at = this.groupPoliciesLength;
    this.groupPolicyStart[g] = at;
    for (const id of ids) this.groupPolicies[at++] = id;
    this.groupPoliciesLength = at;
    this.groupPolicyEnd[g] = at;
    this.sortGroup(g);
    return g;
  }

  /** Makes room for `groups` more groups of `policies` policies in all. */
  private reserveGroups(groups: number, policies: number): void {
    const needed = this.groupSelected.length + groups;
    if (needed > this.groupPolicyStart.length) {
      this.groupPolicyStart = grownColumn(this.groupPolicyStart, needed, 0);
      this.groupPolicyEnd = grownColumn(this.groupPolicyEnd, needed, 0);
    }
    const length = this.groupPoliciesLength + policies;
    if (length > this.groupPolicies.length) this.groupPolicies = grownColumn(this.groupPolicies, length, 0);
  }

  /**
   * Sorts a group's policies by `namespace/name` in place. Nearly every group holds one or two
   * policies: those are ordered without a sort call.
   */
  private sortGroup(g: number): void {
    const policies = this.groupPolicies;
    const from = this.groupPolicyStart[g];
    const to = this.groupPolicyEnd[g];
    if (to - from < 2) return;
    const irs = this.irs as PolicyIR[];
    if (to - from === 2) {
      if (byPolicyKey(irs[policies[from]], irs[policies[from + 1]]) > 0) {
        const first = policies[from];
        policies[from] = policies[from + 1];
        policies[from + 1] = first;
      }
      return;
    }
    const sorted = policies.slice(from, to).sort((a, b) => byPolicyKey(irs[a], irs[b]));
    for (let k = 0; k < sorted.length; k++) policies[from + k] = sorted[k];
  }

  /** Builds signature `s`'s table if not yet built (see SignatureRegistry); returns `s`. */
  table(direction: Direction, s: number): number {
    const reg = this.signatures[direction];
    if (reg.tableStart[s] < 0) this.buildTable(reg, s);
    return s;
  }

  /**
   * Rules grouped by port spec: an entry is its rule's own set, and only specs that several rules
   * share collect their sets for a union.
   */
  private buildTable(reg: SignatureRegistry, s: number): void {
    const entryClasses = reg.entryClasses;
    const entrySpec = reg.entrySpec;
    const start = entrySpec.length;
    // Per entry (from `start`), the further class sets sharing its spec (only for specs seen twice).
    let shared: ClassSet[][] | undefined;
    let specIndex: Map<number, number> | undefined;
    const ruleClasses = this.ruleClasses as ClassSet[];
    const { ruleSpec, ruleAddresses, policyRules } = this.ir;
    const offset = reg.direction === 'ingress' ? 0 : 2;
    const addressStart = reg.addressRules.length;
    const groupFrom = reg.groupStart[s];
    const groupTo = groupFrom + reg.groupCount[s];
    for (let k = groupFrom; k < groupTo; k++) {
      const g = reg.groups[k];
      for (let p = this.groupPolicyStart[g]; p < this.groupPolicyEnd[g]; p++) {
        const at = 4 * this.groupPolicies[p] + offset;
        const end = policyRules[at + 1];
        for (let r = policyRules[at]; r >= 0 && r < end; r++) {
          if (ruleAddresses[r].length > 0) reg.addressRules.push(r);
          const classes = ruleClasses[r];
          if (classes.size === 0) continue;
          const spec = ruleSpec[r];
          // Linear search while short; a map once a signature has many specs (one namespace, thousands of policies).
          let i = -1;
          if (specIndex) i = specIndex.get(spec) ?? -1;
          else for (let e = start; e < entrySpec.length && i < 0; e++) if (entrySpec[e] === spec) i = e;
          if (i < 0) {
            entryClasses.push(classes);
            entrySpec.push(spec);
            if (specIndex) specIndex.set(spec, entrySpec.length - 1);
            else if (entrySpec.length - start > 16) {
              specIndex = new Map();
              for (let e = start; e < entrySpec.length; e++) specIndex.set(entrySpec[e], e);
            }
          } else {
            shared ??= [];
            (shared[i - start] ??= [entryClasses[i]]).push(classes);
          }
        }
      }
    }
    const count = this.layout.count;
    let admitsAll = 0;
    let sizeBound = 0;
    let lookupCost = 0;
    for (let e = start; e < entrySpec.length; e++) {
      const sets = shared?.[e - start];
      if (sets) entryClasses[e] = ClassSet.union(count, sets);
      const classes = entryClasses[e];
      reg.entryBits.push(classes.bits);
      reg.entryList.push(classes.list);
      sizeBound += classes.size;
      lookupCost += classes.list ? 32 - Math.clz32(classes.list.length) : 1;
      if (classes.isAll) admitsAll = 1;
    }
    reg.tableStart[s] = start;
    reg.tableEnd[s] = entrySpec.length;
    reg.admitsAll[s] = admitsAll;
    reg.sizeBound[s] = Math.min(sizeBound, count);
    reg.lookupCost[s] = Math.max(lookupCost, 1);
    reg.addressStart[s] = addressStart;
    reg.addressEnd[s] = reg.addressRules.length;
  }

  /** What a side allows to or from external addresses, for a pod with the given named ports. */
  external(direction: Direction, s: number, portMapId: number): PiecewisePorts {
    if (s === 0) return ALL_PIECES;
    const reg = this.signatures[direction];
    // Named ports never match an external destination, so egress ignores the port map.
    const pm = direction === 'egress' ? 0 : portMapId;
    let fn = reg.externalOf(s, pm);
    if (!fn) {
      fn = this.buildExternal(reg, s, pm);
      reg.setExternal(s, pm, fn);
    }
    return fn;
  }

  private buildExternal(reg: SignatureRegistry, s: number, pm: number): PiecewisePorts {
    this.table(reg.direction, s);
    const from = reg.addressStart[s];
    const to = reg.addressEnd[s];
    if (from === to) return NO_PIECES;
    const entries: { addresses: AddressSet; ports: number }[] = [];
    for (let k = from; k < to; k++) {
      const r = reg.addressRules[k];
      entries.push({ addresses: this.ir.ruleAddresses[r], ports: this.ports.resolve(this.ir.ruleSpec[r], pm) });
    }
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
    /** The direction's signatures (shared by every analysis on the layout). */
    readonly registry: SignatureRegistry,
  ) {}

  /**
   * The group of the policies whose podSelector resolved to `key` (the cached set is the group's
   * key), if any. A group selects at least one class, and every class's signature lists the groups
   * selecting it: the first class of `key` finds it, with no map of 50,000 groups kept per direction.
   */
  private groupOf(key: ClassSet, ctx: LayoutContext): number | undefined {
    let found: number | undefined;
    key.some((c) => {
      const s = this.classSig[c];
      const reg = this.registry;
      for (let k = reg.groupStart[s]; k < reg.groupStart[s] + reg.groupCount[s]; k++) if (ctx.groupSelected[reg.groups[k]] === key) found = reg.groups[k];
      return true;
    });
    return found;
  }

  static build(direction: Direction, policies: readonly number[], ctx: LayoutContext): DirectionIndex {
    const groups = ctx.groupPoliciesOf(direction, policies);
    // Each class's groups as compressed rows (counts, prefix sums, fill), in ascending group id.
    const count = ctx.layout.count;
    const start = new Int32Array(count + 1);
    const countClass = (c: number): void => void start[c + 1]++;
    for (let i = 0; i < groups.length; i++) ctx.groupSelected[groups[i]].forEach(countClass);
    for (let c = 0; c < count; c++) start[c + 1] += start[c];
    const rows = new Int32Array(start[count]);
    const cursor = start.slice(0, count);
    let current = 0;
    const fillClass = (c: number): void => void (rows[cursor[c]++] = current);
    for (let i = 0; i < groups.length; i++) {
      current = groups[i];
      ctx.groupSelected[current].forEach(fillClass);
    }
    const registry = ctx.signatures[direction];
    registry.reserve(count, rows.length);
    const classSig = new Int32Array(count);
    for (let c = 0; c < count; c++) if (start[c] !== start[c + 1]) classSig[c] = registry.signatureOf(rows, start[c], start[c + 1]);
    return new DirectionIndex(direction, classSig, registry);
  }

  /**
   * A copy with some policies removed and others added (bound policy ids); only the classes those
   * policies select get a new signature. Returns the classes whose signature changed.
   */
  withChanges(removed: readonly number[], added: readonly number[], ctx: LayoutContext): { index: DirectionIndex; changed: Int32Array } {
    const direction = this.direction;
    const touchedKeys = new Set<ClassSet>();
    for (const p of [...removed, ...added]) if (ctx.isGrouped(p, direction)) touchedKeys.add(ctx.selectedBy(p));
    if (touchedKeys.size === 0) return { index: this, changed: new Int32Array(0) };
    const replaced = new Map<number, number | undefined>();
    const affectedSets: ClassSet[] = [];
    const removedSet = new Set(removed);
    const addedGroups: number[] = [];
    for (const key of touchedKeys) {
      const old = this.groupOf(key, ctx);
      const list: number[] = [];
      if (old !== undefined) for (let p = ctx.groupPolicyStart[old]; p < ctx.groupPolicyEnd[old]; p++) if (!removedSet.has(ctx.groupPolicies[p])) list.push(ctx.groupPolicies[p]);
      for (const p of added) if (ctx.isGrouped(p, direction) && ctx.selectedBy(p) === key) list.push(p);
      const next = list.length > 0 ? ctx.newGroup(list) : undefined;
      affectedSets.push(key);
      if (old !== undefined) replaced.set(old, next);
      else if (next !== undefined) addedGroups.push(next);
    }
    const reg = this.registry;
    const classSig = this.classSig.slice();
    const changed: number[] = [];
    ClassSet.union(ctx.layout.count, affectedSets).forEach((c) => {
      const list: number[] = [];
      const s = this.classSig[c];
      for (let k = reg.groupStart[s]; k < reg.groupStart[s] + reg.groupCount[s]; k++) {
        const g = reg.groups[k];
        if (!replaced.has(g)) list.push(g);
        else {
          const next = replaced.get(g);
          if (next !== undefined && ctx.groupSelected[next].has(c)) list.push(next);
        }
      }
      for (const g of addedGroups) if (ctx.groupSelected[g].has(c)) list.push(g);
      list.sort((a, b) => a - b);
      const sig = list.length > 0 ? reg.signatureOf(list, 0, list.length) : 0;
      if (sig !== classSig[c]) {
        classSig[c] = sig;
        changed.push(c);
      }
    });
    return { index: new DirectionIndex(direction, classSig, reg), changed: Int32Array.from(changed) };
  }
}

/** Appends `undefined` to `array` until it is `length` long (so that index `length` is written next, as a push). */
function padTo<T>(array: (T | undefined)[], length: number): void {
  while (array.length < length) array.push(undefined);
}

/** Policies in `namespace/name` order; within one namespace (a group's case) by name, no key joined. */
function byPolicyKey(a: PolicyIR, b: PolicyIR): number {
  const x = a.namespace === b.namespace ? a.name : a.key;
  const y = a.namespace === b.namespace ? b.name : b.key;
  return x < y ? -1 : x > y ? 1 : 0;
}
