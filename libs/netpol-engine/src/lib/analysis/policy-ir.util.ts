import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../manifest';
import { hashString, mix } from './hash.util';
import { grownColumn } from './int32-column.util';
import { ALL_ADDRESSES, type AddressSet, ipBlockAddresses, NO_ADDRESSES, unionAddressSets } from './ip-address.util';
import { selectorKey } from './label-selector.util';
import { ALL_PORT_RANGES, MAX_PORT, normalizePortRanges, PROTOCOL_SPAN, protocolIndex, type PortSetTable } from './port-set.util';
import { compareBigint } from './sorted-search.util';

/**
 * A policy reduced to what analysis needs: policyTypes defaulted, ipBlocks parsed and
 * host-masked, ports interned. Its rules are ranges of its IR context's rule columns, by its id
 * (`IrContext.rulesStart`, `rulesEnd`).
 */
export interface PolicyIR {
  /** Dense per IrContext (0, 1, 2, …): caches index arrays by it instead of hashing objects. */
  id: number;
  /** `namespace/name`. */
  readonly key: string;
  namespace: string;
  name: string;
  source: NetworkPolicy;
  podSelector: LabelSelector;
  /** `IrContext.selectorId` of the podSelector (0 = every pod). */
  podSelectorId: number;
}

/**
 * `policyTypes` as the API server defaults it: when absent or empty, Ingress always and
 * Egress only when `egress` has at least one rule (an empty `egress: []` does not count).
 */
export function effectivePolicyTypes(policy: NetworkPolicy): { ingress: boolean; egress: boolean } {
  return { ingress: isolates(policy, 'Ingress'), egress: isolates(policy, 'Egress') };
}

/** Whether a policy isolates one direction (see `effectivePolicyTypes`), with no object made. */
function isolates(policy: NetworkPolicy, type: 'Ingress' | 'Egress'): boolean {
  const types = policy.spec.policyTypes;
  if (types && types.length > 0) return types.includes(type);
  return type === 'Ingress' || (policy.spec.egress?.length ?? 0) > 0;
}

/**
 * Interning caches for policy IR, shared by every analysis of one lineage, and the rules of every
 * policy IR made in it as columns by rule id (no object and list per rule: 55,000 rules, 120,000
 * objects an analysis kept).
 */
export class IrContext {
  /**
   * Per rule, the policy's own peers (no copy), each an ipBlock, pod and namespace selectors, or
   * neither (rejected by API validation; matches nothing); null when `from`/`to` is missing or
   * empty: every source/destination.
   */
  readonly rulePeers: (readonly NetworkPolicyPeer[] | null)[] = [];
  /**
   * Per rule with peers, where its peers' selector ids start in `peerSelectorIds`: two per peer,
   * the namespaceSelector's (-1 without one) and the podSelector's (0 without one). Taken while the
   * IR is made, where each peer is read anyway: binding reads these numbers, not the selectors.
   */
  rulePeerIds = new Int32Array(1024);
  peerSelectorIds = new Int32Array(2048);
  /** The words of `peerSelectorIds` in use. */
  peerSelectorCount = 0;
  /** Per rule, the addresses of its ipBlock peers (everything when its peers are null). */
  readonly ruleAddresses: AddressSet[] = [];
  /** Per rule, its port spec id in the lineage's PortSetTable. */
  ruleSpec = new Int32Array(1024);
  /**
   * Per policy IR id, its rule ranges: `policyRules[4 id .. 4 id + 3]` = ingress start, end, egress
   * start, end (a start of -1: the policy does not isolate that direction). One array, read where
   * every policy of a table is visited (the IR objects lie all over the heap: a cache miss apiece).
   */
  policyRules = new Int32Array(4096);
  /**
   * The number columns (rule and peer ids, port specs, rule ranges) are Int32Arrays that double
   * when full: arrays grown a push at a time allocated about three times their final length
   * (18 MB of an analysis of 60,000 policies). Rules so far: `ruleCount`.
   */
  ruleCount = 0;
  private readonly blocks = new Map<string, AddressSet>();
  private readonly addressSets = new Map<string, AddressSet>();
  private readonly addressIds = new Map<AddressSet, number>([[ALL_ADDRESSES, 0]]);
  /**
   * Other port lists (several entries, a range, a named port) by a hash of their values: the head
   * of a chain of the lists met so far (`portListNext`), each compared field by field with the
   * list asked about, no key text built (6.5 MB of strings an analysis of 60,000 policies).
   */
  private readonly portListsByHash = new Map<number, number>();
  private readonly portLists: (readonly NetworkPolicyPort[] | undefined)[] = [];
  private readonly portListSpecs: number[] = [];
  private readonly portListNext: number[] = [];
  /** Spec ids of the common one-entry port lists by protocol index × 65536 + port (0: every port of the protocol). */
  private readonly singlePortSpecs = new Map<number, number>();
  private readonly selectorIds = new Map<string, number>([['', 0]]);
  private readonly singleLabelIds = new Map<string, Map<string, number>>();
  private policyCount = 0;

  constructor(readonly ports: PortSetTable) {
    this.addressSets.set(ALL_ADDRESSES.join(','), ALL_ADDRESSES);
  }

  /** Numbers a policy IR with the given rule ranges (see `policyRules`). */
  addPolicy(ingressStart: number, ingressEnd: number, egressStart: number, egressEnd: number): number {
    const at = 4 * this.policyCount;
    if (at + 4 > this.policyRules.length) this.policyRules = grownColumn(this.policyRules, at + 4);
    const rules = this.policyRules;
    rules[at] = ingressStart;
    rules[at + 1] = ingressEnd;
    rules[at + 2] = egressStart;
    rules[at + 3] = egressEnd;
    return this.policyCount++;
  }

  /** Numbers the next rule with its port spec; its peers and addresses are pushed by the caller. */
  addRuleSpec(spec: number): number {
    const r = this.ruleCount++;
    if (r >= this.ruleSpec.length) {
      this.ruleSpec = grownColumn(this.ruleSpec, r + 1);
      this.rulePeerIds = grownColumn(this.rulePeerIds, r + 1);
    }
    this.ruleSpec[r] = spec;
    return r;
  }

  /** Appends a peer's two selector ids (see `peerSelectorIds`); returns where they start. */
  addPeerSelectorIds(namespaceSelectorId: number, podSelectorId: number): number {
    const at = this.peerSelectorCount;
    if (at + 2 > this.peerSelectorIds.length) this.peerSelectorIds = grownColumn(this.peerSelectorIds, at + 2);
    this.peerSelectorIds[at] = namespaceSelectorId;
    this.peerSelectorIds[at + 1] = podSelectorId;
    this.peerSelectorCount = at + 2;
    return at;
  }

  /** The first rule id of a policy's rules for `direction`, -1 when the policy does not isolate it. */
  rulesStart(policy: number, direction: 'ingress' | 'egress'): number {
    return this.policyRules[4 * policy + (direction === 'ingress' ? 0 : 2)];
  }

  /** The rule id past the last of a policy's rules for `direction`. */
  rulesEnd(policy: number, direction: 'ingress' | 'egress'): number {
    return this.policyRules[4 * policy + (direction === 'ingress' ? 1 : 3)];
  }

  /** A small number per distinct selector meaning (its `selectorKey`); 0 is the empty selector. */
  selectorId(selector: LabelSelector): number {
    // The common `matchLabels: { key: value }` is looked up by its two strings, without building its text.
    const single = singleLabel(selector);
    if (single !== undefined) {
      const value = (selector.matchLabels as Record<string, string>)[single];
      let byValue = this.singleLabelIds.get(single);
      if (!byValue) {
        byValue = new Map();
        this.singleLabelIds.set(single, byValue);
      }
      let id = byValue.get(value);
      if (id === undefined) {
        id = this.selectorIdOfKey(selectorKey(selector));
        byValue.set(value, id);
      }
      return id;
    }
    return this.selectorIdOfKey(selectorKey(selector));
  }

  private selectorIdOfKey(key: string): number {
    let id = this.selectorIds.get(key);
    if (id === undefined) {
      id = this.selectorIds.size;
      this.selectorIds.set(key, id);
    }
    return id;
  }

  /** One shared, parsed address set per distinct ipBlock text. */
  block(block: { cidr: string; except?: string[] }): AddressSet {
    const key = block.except && block.except.length > 0 ? `${block.cidr}|${block.except.join(',')}` : block.cidr;
    let set = this.blocks.get(key);
    if (!set) {
      set = this.intern(ipBlockAddresses(block));
      this.blocks.set(key, set);
    }
    return set;
  }

  /** One shared object per distinct address set, so sets can be compared and keyed by identity. */
  intern(set: AddressSet): AddressSet {
    const key = set.join(',');
    const known = this.addressSets.get(key);
    if (known) return known;
    this.addressSets.set(key, set);
    return set;
  }

  addressId(set: AddressSet): number {
    let id = this.addressIds.get(set);
    if (id === undefined) {
      id = this.addressIds.size;
      this.addressIds.set(set, id);
    }
    return id;
  }

  portSpec(ports: readonly NetworkPolicyPort[] | undefined): number {
    // Most rules name one port without a range: looked up by number, no key text built (no port at all builds an empty one).
    if (ports && ports.length === 1 && ports[0].endPort === undefined) {
      const port = ports[0].port;
      if (port === undefined || (typeof port === 'number' && port >= 1 && port <= MAX_PORT)) {
        const key = protocolIndex(ports[0].protocol) * PROTOCOL_SPAN + (port ?? 0);
        let id = this.singlePortSpecs.get(key);
        if (id === undefined) {
          id = computePortSpec(ports, this.ports);
          this.singlePortSpecs.set(key, id);
        }
        return id;
      }
    }
    const hash = portListHash(ports);
    const head = this.portListsByHash.get(hash) ?? -1;
    for (let i = head; i >= 0; i = this.portListNext[i]) if (samePortList(this.portLists[i], ports)) return this.portListSpecs[i];
    const id = computePortSpec(ports, this.ports);
    this.portListNext.push(head);
    this.portListsByHash.set(hash, this.portLists.length);
    this.portLists.push(ports);
    this.portListSpecs.push(id);
    return id;
  }
}

/** A hash of a port list's values (absent and empty alike). */
function portListHash(ports: readonly NetworkPolicyPort[] | undefined): number {
  let h = ports?.length ?? 0;
  if (ports) {
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i];
      h = mix(h, p.protocol === undefined ? 0 : hashString(p.protocol));
      h = mix(h, typeof p.port === 'number' ? p.port + 1 : p.port === undefined ? 0 : hashString(p.port));
      h = mix(h, p.endPort === undefined ? 0 : p.endPort + 1);
    }
  }
  return h;
}

/** Whether two port lists hold the same values, entry by entry (absent and empty alike). */
function samePortList(a: readonly NetworkPolicyPort[] | undefined, b: readonly NetworkPolicyPort[] | undefined): boolean {
  const n = a?.length ?? 0;
  if ((b?.length ?? 0) !== n) return false;
  for (let i = 0; i < n; i++) {
    const x = (a as readonly NetworkPolicyPort[])[i];
    const y = (b as readonly NetworkPolicyPort[])[i];
    if (x.protocol !== y.protocol || x.port !== y.port || x.endPort !== y.endPort) return false;
  }
  return true;
}

/** The key of a selector that is exactly one matchLabels entry (no expressions), else undefined. */
function singleLabel(selector: LabelSelector): string | undefined {
  if (selector.matchExpressions && selector.matchExpressions.length > 0) return undefined;
  let found: string | undefined;
  for (const key in selector.matchLabels) {
    if (found !== undefined) return undefined;
    found = key;
  }
  return found;
}

function computePortSpec(ports: readonly NetworkPolicyPort[] | undefined, table: PortSetTable): number {
  if (!ports || ports.length === 0) return table.spec([...ALL_PORT_RANGES], []);
  const numeric: [number, number][] = [];
  const named: { protocol: number; name: string }[] = [];
  for (const p of ports) {
    const protocol = protocolIndex(p.protocol);
    const base = protocol * PROTOCOL_SPAN;
    if (p.port === undefined) numeric.push([base + 1, base + 65535]);
    else if (typeof p.port === 'string') named.push({ protocol, name: p.port });
    else numeric.push([base + p.port, base + (p.endPort ?? p.port)]);
  }
  return table.spec(normalizePortRanges(numeric), named);
}

/** Appends a rule's IR to the context's rule columns. */
function addRule(peers: readonly NetworkPolicyPeer[] | undefined, ports: readonly NetworkPolicyPort[] | undefined, ctx: IrContext): void {
  const r = ctx.addRuleSpec(ctx.portSpec(ports));
  if (!peers || peers.length === 0) {
    ctx.rulePeers.push(null);
    ctx.ruleAddresses.push(ALL_ADDRESSES);
    ctx.rulePeerIds[r] = -1;
    return;
  }
  // Block address sets are interned already; only a union of several needs interning.
  let addresses: AddressSet = NO_ADDRESSES;
  let blocks = 0;
  ctx.rulePeerIds[r] = ctx.peerSelectorCount;
  for (let i = 0; i < peers.length; i++) {
    const peer = peers[i];
    const block = peer.ipBlock;
    ctx.addPeerSelectorIds(peer.namespaceSelector ? ctx.selectorId(peer.namespaceSelector) : -1, peer.podSelector ? ctx.selectorId(peer.podSelector) : 0);
    if (!block) continue;
    const set = ctx.block(block);
    addresses = blocks++ === 0 ? set : unionAddressSets(addresses, set);
  }
  ctx.rulePeers.push(peers);
  ctx.ruleAddresses.push(blocks > 1 ? ctx.intern(addresses) : addresses);
}

/** A policy's IR, its key joined on first use: an analysis of 60,000 policies seldom needs one. */
class PolicyIRObject implements PolicyIR {
  private joined: string | undefined = undefined;

  constructor(
    readonly id: number,
    readonly namespace: string,
    readonly name: string,
    readonly source: NetworkPolicy,
    readonly podSelector: LabelSelector,
    readonly podSelectorId: number,
  ) {}

  get key(): string {
    this.joined ??= `${this.namespace}/${this.name}`;
    return this.joined;
  }
}

export function toPolicyIR(policy: NetworkPolicy, ctx: IrContext): PolicyIR {
  const podSelector = policy.spec.podSelector ?? {};
  const podSelectorId = ctx.selectorId(podSelector);
  // Indexed loops and two booleans: no iterator, empty list or types object per policy (60,000 at L).
  const isolatesIngress = isolates(policy, 'Ingress');
  const ingressStart = isolatesIngress ? ctx.ruleCount : -1;
  const ingress = isolatesIngress ? policy.spec.ingress : undefined;
  for (let i = 0; ingress && i < ingress.length; i++) addRule(ingress[i].from, ingress[i].ports, ctx);
  const ingressEnd = ctx.ruleCount;
  const isolatesEgress = isolates(policy, 'Egress');
  const egressStart = isolatesEgress ? ctx.ruleCount : -1;
  const egress = isolatesEgress ? policy.spec.egress : undefined;
  for (let i = 0; egress && i < egress.length; i++) addRule(egress[i].to, egress[i].ports, ctx);
  const egressEnd = ctx.ruleCount;
  return new PolicyIRObject(
    ctx.addPolicy(ingressStart, ingressEnd, egressStart, egressEnd),
    policy.metadata.namespace,
    policy.metadata.name,
    policy,
    podSelector,
    podSelectorId,
  );
}

/** The distinct address sets of the policy's ipBlock peers (interned objects). */
export function policyBlocks(ir: PolicyIR, ctx: IrContext, into: Set<AddressSet>): void {
  rulesBlocks(ctx.rulesStart(ir.id, 'ingress'), ctx.rulesEnd(ir.id, 'ingress'), ctx, into);
  rulesBlocks(ctx.rulesStart(ir.id, 'egress'), ctx.rulesEnd(ir.id, 'egress'), ctx, into);
}

/** The ipBlocks of rules `from .. to - 1` (none when `from` is -1). */
function rulesBlocks(from: number, to: number, ctx: IrContext, into: Set<AddressSet>): void {
  for (let r = from; r >= 0 && r < to; r++) {
    const peers = ctx.rulePeers[r];
    if (!peers || ctx.ruleAddresses[r].length === 0) continue;
    for (let p = 0; p < peers.length; p++) {
      const block = peers[p].ipBlock;
      if (block) into.add(ctx.block(block));
    }
  }
}

/** Every address boundary (`lo` and `hi + 1` of each interval) of some address sets. */
export function boundariesOf(sets: Iterable<AddressSet>): bigint[] {
  const out = new Set<bigint>();
  for (const set of sets) for (let i = 0; i < set.length; i += 2) out.add(set[i]).add(set[i + 1] + 1n);
  return [...out].sort(compareBigint);
}
