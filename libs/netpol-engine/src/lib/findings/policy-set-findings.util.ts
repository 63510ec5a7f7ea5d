import type { Inventory } from '../analysis/model.type';
import type { NetworkPolicy, NetworkPolicyPeer } from '../manifest/network-policy.type';
import { policyKey } from '../manifest/policy-key.util';
import { isWholeFamily, privateAddressSet, publicPart } from './address-space.util';
import { type AddressSet, effectivePolicyTypes, ipBlockAddresses, selectorKey } from './analysis-primitives.util';
import { FINDING_CATALOG } from './finding-catalog.constant';
import { type Finding, FindingCode, type FindingsOptions } from './finding.type';
import { InventoryIndex } from './inventory-index.util';
import { describePorts, ruleCovered, type RuleShape, ruleShape } from './rule-shape.util';
import { describeSelector, selectorImplies, selectsEveryNamespace, selectsEverything } from './selector-logic.util';

type Direction = 'ingress' | 'egress';

// Above this many rule comparisons in one namespace and direction, redundancy is only looked for
// among identical rules and rules that allow every peer on every port (keeps huge sets linear).
const PAIRWISE_BUDGET = 400_000;
const CATCH_ALL_CANDIDATES = 64;
const CATCH_ALL_KEY = ruleShape('', undefined, undefined).key; // every peer, every port

interface PolicyEntry {
  policy: NetworkPolicy;
  key: string;
  namespace: string;
  podSelectorKey: string;
  isolates: Record<Direction, boolean>;
  rules: Record<Direction, RuleShape[]>;
}

interface RuleEntry {
  entry: PolicyEntry;
  direction: Direction;
  index: number;
  shape: RuleShape;
  subject: boolean;
}

/** Everything the policy-set checks share: policies per namespace, the inventory, private space. */
export class FindingsContext {
  readonly entries: PolicyEntry[];
  readonly byNamespace = new Map<string, PolicyEntry[]>();
  readonly privateSet: AddressSet;
  private readonly covering = new Map<string, boolean>();
  private inventoryIndex: InventoryIndex | undefined;

  constructor(
    policies: readonly NetworkPolicy[],
    private readonly source: Inventory | undefined,
    options: FindingsOptions,
  ) {
    this.privateSet = privateAddressSet(options.privateCidrs);
    this.entries = policies.map((policy) => {
      const namespace = policy.metadata.namespace;
      const types = effectivePolicyTypes(policy);
      return {
        policy,
        key: policyKey(policy),
        namespace,
        podSelectorKey: selectorKey(policy.spec.podSelector ?? {}),
        isolates: { ingress: types.ingress, egress: types.egress },
        rules: {
          ingress: (policy.spec.ingress ?? []).map((r) => ruleShape(namespace, r.from, r.ports)),
          egress: (policy.spec.egress ?? []).map((r) => ruleShape(namespace, r.to, r.ports)),
        },
      };
    });
    this.entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const e of this.entries) {
      const list = this.byNamespace.get(e.namespace);
      if (list) list.push(e);
      else this.byNamespace.set(e.namespace, [e]);
    }
  }

  /** The inventory, indexed on first use (a change with no policy to check never pays for it). */
  get inventory(): InventoryIndex | undefined {
    if (this.source) this.inventoryIndex ??= new InventoryIndex(this.source);
    return this.inventoryIndex;
  }

  /** Whether `cover` selects every pod `subject` selects (same namespace). */
  covers(subject: PolicyEntry, cover: PolicyEntry): boolean {
    if (subject === cover || subject.podSelectorKey === cover.podSelectorKey) return true;
    const key = `${subject.podSelectorKey}\u0004${cover.podSelectorKey}`;
    let value = this.covering.get(key);
    if (value === undefined) {
      value = selectorImplies(subject.policy.spec.podSelector ?? {}, cover.policy.spec.podSelector ?? {});
      this.covering.set(key, value);
    }
    return value;
  }
}

function finding(code: FindingCode, e: PolicyEntry, message: string, path: string | undefined, detail: string, others: string[] = []): Finding {
  return {
    code,
    severity: FINDING_CATALOG[code].severity,
    message,
    policies: [e.key, ...others.filter((k) => k !== e.key)],
    namespace: e.namespace,
    ...(path === undefined ? {} : { path }),
    fingerprint: `${code}|${e.key}|${detail}`,
  };
}

function selectedPods(e: PolicyEntry): string {
  const selector = e.policy.spec.podSelector ?? {};
  return selectsEverything(selector) ? `every pod in ${e.namespace}` : `pods ${describeSelector(selector)} in ${e.namespace}`;
}

function peerText(peer: NetworkPolicyPeer): string {
  return JSON.stringify(peer);
}

function checkIgnoredRules(e: PolicyEntry, out: Finding[]): void {
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = e.policy.spec[direction];
    if (e.isolates[direction] || !rules || rules.length === 0) continue;
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    out.push(
      finding(
        FindingCode.RULES_IGNORED_BY_POLICY_TYPES,
        e,
        `${e.key} has ${rules.length} ${direction} rule(s) but policyTypes does not list ${type}: they have no effect`,
        `spec.${direction}`,
        direction,
      ),
    );
  }
}

function checkEgress(ctx: FindingsContext, e: PolicyEntry, out: Finding[]): void {
  if (!e.isolates.egress) return;
  (e.policy.spec.egress ?? []).forEach((rule, i) => {
    const shape = e.rules.egress[i];
    const ports = describePorts(rule.ports);
    if (shape.everyPeer) {
      const message = `${e.key} lets ${selectedPods(e)} connect to any destination, the internet included, on ${ports} (egress rule ${i} has no \`to\`)`;
      out.push(finding(FindingCode.EGRESS_TO_ANY_ADDRESS, e, message, `spec.egress[${i}]`, `egress|${shape.key}`));
      return;
    }
    (rule.to ?? []).forEach((peer, j) => {
      if (!peer.ipBlock) return;
      const path = `spec.egress[${i}].to[${j}].ipBlock`;
      const addresses = ipBlockAddresses(peer.ipBlock);
      const detail = `egress|${peerText(peer)}|${shape.key}`;
      if (addresses.length === 0) {
        const message = `${e.key} egress rule ${i} peer ${j}: the except list removes every address of ${peer.ipBlock.cidr}`;
        out.push(finding(FindingCode.PEER_MATCHES_NOTHING, e, message, path, detail));
      } else if (isWholeFamily(peer.ipBlock.cidr)) {
        const except = peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : '';
        const message = `${e.key} lets ${selectedPods(e)} connect to ${peer.ipBlock.cidr}${except} on ${ports} (egress rule ${i})`;
        out.push(finding(FindingCode.EGRESS_TO_ANY_ADDRESS, e, message, path, detail));
      } else {
        const outside = publicPart(addresses, ctx.privateSet);
        if (outside === undefined) return;
        const message = `${e.key} lets ${selectedPods(e)} connect to ${outside}, outside private address space, on ${ports} (egress rule ${i})`;
        out.push(finding(FindingCode.EGRESS_TO_INTERNET, e, message, path, detail));
      }
    });
  });
}

function checkIngress(ctx: FindingsContext, e: PolicyEntry, out: Finding[]): void {
  if (!e.isolates.ingress) return;
  (e.policy.spec.ingress ?? []).forEach((rule, i) => {
    const shape = e.rules.ingress[i];
    const ports = describePorts(rule.ports);
    if (shape.everyPeer) {
      const message = `${e.key} admits connections to ${selectedPods(e)} from any pod and any address outside the cluster on ${ports} (ingress rule ${i} has no \`from\`)`;
      out.push(finding(FindingCode.INGRESS_FROM_ANYWHERE, e, message, `spec.ingress[${i}]`, `ingress|${shape.key}`));
      return;
    }
    (rule.from ?? []).forEach((peer, j) => {
      const detail = `ingress|${peerText(peer)}|${shape.key}`;
      if (peer.ipBlock) {
        const path = `spec.ingress[${i}].from[${j}].ipBlock`;
        const addresses = ipBlockAddresses(peer.ipBlock);
        const outside = publicPart(addresses, ctx.privateSet);
        const except = peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : '';
        const source = `${peer.ipBlock.cidr}${except}`;
        if (addresses.length === 0) {
          const message = `${e.key} ingress rule ${i} peer ${j}: the except list removes every address of ${peer.ipBlock.cidr}`;
          out.push(finding(FindingCode.PEER_MATCHES_NOTHING, e, message, path, detail));
        } else if (isWholeFamily(peer.ipBlock.cidr)) {
          const message = `${e.key} admits connections to ${selectedPods(e)} from ${source} on ${ports} (ingress rule ${i})`;
          out.push(finding(FindingCode.INGRESS_FROM_ANYWHERE, e, message, path, detail));
        } else if (outside !== undefined) {
          const message = `${e.key} admits connections to ${selectedPods(e)} from ${outside}, outside private address space, on ${ports} (ingress rule ${i})`;
          out.push(finding(FindingCode.INGRESS_FROM_INTERNET, e, message, path, detail));
        } else {
          const message = `${e.key} admits connections to ${selectedPods(e)} from ${source}, outside the cluster, on ${ports} (ingress rule ${i})`;
          out.push(finding(FindingCode.INGRESS_FROM_OUTSIDE_CLUSTER, e, message, path, detail));
        }
      } else if (peer.namespaceSelector && selectsEveryNamespace(peer.namespaceSelector)) {
        const who = peer.podSelector && !selectsEverything(peer.podSelector) ? `pods ${describeSelector(peer.podSelector)}` : 'every pod';
        const message = `${e.key} admits connections to ${selectedPods(e)} from ${who} in every namespace on ${ports} (ingress rule ${i})`;
        out.push(finding(FindingCode.INGRESS_FROM_ALL_NAMESPACES, e, message, `spec.ingress[${i}].from[${j}].namespaceSelector`, detail));
      }
    });
  });
}

function checkAgainstInventory(index: InventoryIndex, e: PolicyEntry, out: Finding[]): void {
  const podSelector = e.policy.spec.podSelector ?? {};
  if (!index.hasPod(e.namespace, podSelector)) {
    const message = selectsEverything(podSelector)
      ? `${e.key} selects no pod: namespace ${e.namespace} has no pods in the inventory`
      : `${e.key} selects no pod: no pod in ${e.namespace} matches ${describeSelector(podSelector)}`;
    out.push(finding(FindingCode.POLICY_SELECTS_NO_POD, e, message, 'spec.podSelector', selectorKey(podSelector)));
  }
  for (const direction of ['ingress', 'egress'] as const) {
    if (!e.isolates[direction]) continue;
    const field = direction === 'ingress' ? 'from' : 'to';
    const rulePeers = direction === 'ingress' ? (e.policy.spec.ingress ?? []).map((r) => r.from) : (e.policy.spec.egress ?? []).map((r) => r.to);
    rulePeers.forEach((peers, i) => {
      (peers ?? []).forEach((peer, j) => {
        if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) return;
        const namespaces = peer.namespaceSelector ? index.namespacesMatching(peer.namespaceSelector) : [e.namespace];
        const pods = peer.podSelector ?? {};
        if (namespaces.some((ns) => index.hasPod(ns, pods))) return;
        const where = peer.namespaceSelector ? `namespaces ${describeSelector(peer.namespaceSelector)}` : `namespace ${e.namespace}`;
        const reason =
          namespaces.length === 0
            ? `no namespace matches ${describeSelector(peer.namespaceSelector ?? {})}`
            : `no pod${peer.podSelector ? ` matching ${describeSelector(pods)}` : ''} in ${where}`;
        const message = `${e.key} ${direction} rule ${i} peer ${j} matches nothing in the inventory: ${reason}`;
        out.push(finding(FindingCode.PEER_MATCHES_NOTHING, e, message, `spec.${direction}[${i}].${field}[${j}]`, `${direction}|${peerText(peer)}`));
      });
    });
  }
}

function checkRedundancy(ctx: FindingsContext, entries: PolicyEntry[], subjects: Set<string> | undefined, out: Finding[]): void {
  for (const direction of ['ingress', 'egress'] as const) {
    const rules: RuleEntry[] = [];
    for (const entry of entries) {
      if (!entry.isolates[direction]) continue;
      const subject = !subjects || subjects.has(entry.key);
      entry.rules[direction].forEach((shape, index) => rules.push({ entry, direction, index, shape, subject }));
    }
    const subjectRules = rules.filter((r) => r.subject);
    if (subjectRules.length === 0 || rules.length < 2) continue;
    const pairwise = subjectRules.length * rules.length <= PAIRWISE_BUDGET;
    const byKey = new Map<string, RuleEntry[]>();
    const catchAll: RuleEntry[] = [];
    if (!pairwise) {
      for (const r of rules) {
        const list = byKey.get(r.shape.key);
        if (list) list.push(r);
        else byKey.set(r.shape.key, [r]);
        if (r.shape.key === CATCH_ALL_KEY && catchAll.length < CATCH_ALL_CANDIDATES) catchAll.push(r);
      }
    }
    for (const r of subjectRules) {
      const candidates = pairwise ? rules : [...(byKey.get(r.shape.key) ?? []), ...catchAll];
      const cover = candidates.find((c) => c !== r && isRedundantGiven(ctx, r, c, subjects !== undefined));
      if (!cover) continue;
      const by = cover.entry === r.entry ? `${direction} rule ${cover.index}` : `${cover.entry.key} ${direction} rule ${cover.index}`;
      const scope = cover.entry === r.entry ? '' : ` to every pod it selects`;
      const message = `${r.entry.key} ${direction} rule ${r.index} is redundant: ${by} already allows everything it allows${scope}`;
      out.push(
        finding(FindingCode.REDUNDANT_RULE, r.entry, message, `spec.${direction}[${r.index}]`, `${direction}|${r.shape.key}|${cover.entry.key}|${cover.shape.key}`, [cover.entry.key]),
      );
    }
  }
}

/**
 * Whether `r` adds nothing given `c`. When both make each other redundant, only one is reported:
 * in a change, the changed one; otherwise the later one (by policy, then rule index).
 */
function isRedundantGiven(ctx: FindingsContext, r: RuleEntry, c: RuleEntry, preferChanged: boolean): boolean {
  if (!ctx.covers(r.entry, c.entry) || !ruleCovered(r.shape, c.shape)) return false;
  const mutual = ctx.covers(c.entry, r.entry) && ruleCovered(c.shape, r.shape);
  if (!mutual) return true;
  if (preferChanged && r.subject !== c.subject) return r.subject;
  return c.entry.key < r.entry.key || (c.entry === r.entry && c.index < r.index);
}

/**
 * The policy-set findings of the policies in `subjects` (all when undefined), judged against the
 * whole set in `ctx`.
 */
export function policySetFindings(ctx: FindingsContext, subjects?: Set<string>): Finding[] {
  const out: Finding[] = [];
  for (const e of ctx.entries) {
    if (subjects && !subjects.has(e.key)) continue;
    checkIgnoredRules(e, out);
    checkEgress(ctx, e, out);
    checkIngress(ctx, e, out);
    const inventory = ctx.inventory;
    if (inventory) checkAgainstInventory(inventory, e, out);
  }
  for (const entries of ctx.byNamespace.values()) {
    if (subjects && !entries.some((e) => subjects.has(e.key))) continue;
    checkRedundancy(ctx, entries, subjects, out);
  }
  return out;
}
