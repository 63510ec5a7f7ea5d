import { type Analysis, createAnalysis } from '../analysis/create-analysis.util';
import { formatEndpoint, formatFlow } from '../analysis/format-flow.util';
import type { AnalysisInput, ConnectivityDiff, Endpoint, Flow, Inventory, PolicyChanges } from '../analysis/model.type';
import { hashNetworkPolicy } from '../manifest/canonical-policy.util';
import type { NetworkPolicy } from '../manifest/network-policy.type';
import { policyKey } from '../manifest/policy-key.util';
import { endpointAddresses, publicPart } from './address-space.util';
import { type AddressSet, effectivePolicyTypes, subtractAddressSets } from './analysis-primitives.util';
import { FINDING_CATALOG } from './finding-catalog.constant';
import { type ChangeFindingsReport, type Finding, FindingCode, type FindingsInput, type FindingsOptions, type PolicyChangeSummary } from './finding.type';
import { FindingsContext, policySetFindings } from './policy-set-findings.util';
import { selectsEverything } from './selector-logic.util';
import { summarizeFindings } from './summarize-findings.util';

type Direction = 'ingress' | 'egress';

interface PolicyDelta {
  summary: PolicyChangeSummary;
  changes: PolicyChanges;
  /** Keys of every added, modified or removed policy. */
  touched: Set<string>;
}

function policyDelta(before: readonly NetworkPolicy[], after: readonly NetworkPolicy[]): PolicyDelta {
  const old = new Map(before.map((p) => [policyKey(p), p]));
  const summary: PolicyChangeSummary = { added: [], modified: [], removed: [] };
  const upsert: NetworkPolicy[] = [];
  const seen = new Set<string>();
  for (const p of after) {
    const key = policyKey(p);
    seen.add(key);
    const previous = old.get(key);
    if (!previous) summary.added.push(key);
    else if (previous !== p && hashNetworkPolicy(previous) !== hashNetworkPolicy(p)) summary.modified.push(key);
    else continue;
    upsert.push(p);
  }
  const removed = before.filter((p) => !seen.has(policyKey(p)));
  summary.removed = removed.map(policyKey);
  for (const list of [summary.added, summary.modified, summary.removed]) list.sort();
  return {
    summary,
    changes: { upsert, delete: removed.map((p) => ({ namespace: p.metadata.namespace, name: p.metadata.name })) },
    touched: new Set([...summary.added, ...summary.modified, ...summary.removed]),
  };
}

/** Namespaces and directions where some policy with an empty podSelector isolates every pod, with those policies. */
function defaultDenies(policies: readonly NetworkPolicy[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of policies) {
    if (!selectsEverything(p.spec.podSelector ?? {})) continue;
    const types = effectivePolicyTypes(p);
    for (const direction of ['ingress', 'egress'] as const) {
      if (!types[direction]) continue;
      const key = `${p.metadata.namespace}/${direction}`;
      out.set(key, [...(out.get(key) ?? []), policyKey(p)]);
    }
  }
  return out;
}

function lostDefaultDenies(before: readonly NetworkPolicy[], after: readonly NetworkPolicy[]): Finding[] {
  const kept = defaultDenies(after);
  const out: Finding[] = [];
  for (const [key, policies] of defaultDenies(before)) {
    if (kept.has(key)) continue;
    const [namespace, direction] = key.split('/') as [string, Direction];
    const code = FindingCode.DEFAULT_DENY_REMOVED;
    const message = `namespace ${namespace} loses its default deny for ${direction}: ${policies.join(', ')} isolated every pod and no remaining policy with an empty podSelector does`;
    out.push({ code, severity: FINDING_CATALOG[code].severity, message, policies, namespace, fingerprint: `${code}|${namespace}|${direction}` });
  }
  return out;
}

/** The pair a flow connects, for finding the same pair in another connectivity result. */
function pairKey(from: Endpoint, to: Endpoint): string | undefined {
  if (from.kind === 'workload' && to.kind === 'workload') return `${formatEndpoint(from)}\u0000${formatEndpoint(to)}`;
  return undefined;
}

/** Per workload and direction, the external addresses it already exchanged traffic with. */
interface ExistingFlows {
  pairs: Set<string>;
  external: Map<string, AddressSet[]>;
}

function externalKey(workload: Endpoint, direction: Direction): string {
  return `${formatEndpoint(workload)}\u0000${direction}`;
}

/** Indexes the `before` flows that share a source or destination workload name with an added flow. */
function indexFlows(flows: readonly Flow[], added: readonly Flow[]): ExistingFlows {
  const names = new Set<string>();
  for (const flow of added) for (const e of [flow.from, flow.to]) if (e.kind === 'workload') names.add(e.name);
  const relevant = (e: Endpoint): boolean => e.kind === 'cidr' || names.has(e.name); // cheap filter before building keys
  const pairs = new Set<string>();
  const external = new Map<string, AddressSet[]>();
  for (const flow of flows) {
    if (!relevant(flow.from) || !relevant(flow.to)) continue;
    const pair = pairKey(flow.from, flow.to);
    if (pair) {
      pairs.add(pair);
      continue;
    }
    const [workload, cidr, direction] = flow.from.kind === 'cidr' ? [flow.to, flow.from, 'ingress' as const] : [flow.from, flow.to, 'egress' as const];
    if (cidr.kind !== 'cidr') continue;
    const key = externalKey(workload, direction);
    external.set(key, [...(external.get(key) ?? []), endpointAddresses(cidr)]);
  }
  return { pairs, external };
}

function existedBefore(existing: ExistingFlows, flow: Flow): boolean {
  const pair = pairKey(flow.from, flow.to);
  if (pair) return existing.pairs.has(pair);
  const [workload, cidr, direction] = flow.from.kind === 'cidr' ? [flow.to, flow.from, 'ingress' as const] : [flow.from, flow.to, 'egress' as const];
  if (cidr.kind !== 'cidr') return false;
  const added = endpointAddresses(cidr);
  // Overlapping addresses: some of these addresses were already reachable, on other ports.
  return (existing.external.get(externalKey(workload, direction)) ?? []).some((before) => overlaps(added, before));
}

function overlaps(a: AddressSet, b: AddressSet): boolean {
  const rest = subtractAddressSets(a, b);
  return rest.length !== a.length || rest.some((bound, i) => bound !== a[i]);
}

/** Changed policies in the namespaces whose policies decide a flow (source's egress, destination's ingress). */
function involvedPolicies(flow: Flow, delta: PolicyDelta): string[] {
  const namespaces = new Set<string>();
  if (flow.from.kind === 'workload') namespaces.add(flow.from.namespace);
  if (flow.to.kind === 'workload') namespaces.add(flow.to.namespace);
  return [...delta.touched].filter((key) => namespaces.has(key.slice(0, key.indexOf('/')))).sort();
}

function flowFinding(code: FindingCode, flow: Flow, message: string, delta: PolicyDelta): Finding {
  const namespace = flow.from.kind === 'workload' ? flow.from.namespace : flow.to.kind === 'workload' ? flow.to.namespace : undefined;
  return {
    code,
    severity: FINDING_CATALOG[code].severity,
    message,
    policies: involvedPolicies(flow, delta),
    ...(namespace === undefined ? {} : { namespace }),
    flow,
    fingerprint: `${code}|${formatFlow(flow)}`,
  };
}

function flowFindings(diff: ConnectivityDiff, before: () => Flow[], delta: PolicyDelta, privateSet: AddressSet): Finding[] {
  const out: Finding[] = [];
  let existing: ExistingFlows | undefined;
  for (const flow of diff.added) {
    existing ??= indexFlows(before(), diff.added);
    const text = formatFlow(flow);
    if (existedBefore(existing, flow)) out.push(flowFinding(FindingCode.FLOW_WIDENED, flow, `widens an existing flow: ${text}`, delta));
    else out.push(flowFinding(FindingCode.FLOW_OPENED, flow, `opens a new flow: ${text}`, delta));
    const external = flow.to.kind === 'cidr' ? flow.to : flow.from.kind === 'cidr' ? flow.from : undefined;
    const outside = external && publicPart(endpointAddresses(external), privateSet);
    if (external && outside !== undefined) {
      const egress = flow.to.kind === 'cidr';
      const code = egress ? FindingCode.EGRESS_TO_INTERNET_OPENED : FindingCode.INGRESS_FROM_INTERNET_OPENED;
      const message = egress ? `opens egress to the internet (${outside}): ${text}` : `opens ingress from the internet (${outside}): ${text}`;
      out.push(flowFinding(code, flow, message, delta));
    }
  }
  for (const flow of diff.removed) out.push(flowFinding(FindingCode.FLOW_CLOSED, flow, `closes a flow: ${formatFlow(flow)}`, delta));
  return out;
}

function analysisInput(side: FindingsInput, inventory: Inventory): AnalysisInput {
  return { inventory, policies: side.policies, ...(side.options ? { options: side.options } : {}) };
}

/** The two analyses, derived incrementally when both sides share the inventory and options. */
function analysesFor(before: FindingsInput, after: FindingsInput, inventory: Inventory, delta: PolicyDelta): [Analysis, Analysis] {
  const b = before.analysis ?? createAnalysis(analysisInput(before, before.inventory ?? inventory));
  if (after.analysis) return [b, after.analysis];
  const afterInventory = after.inventory ?? inventory;
  const sameInventory = (before.inventory ?? inventory) === afterInventory;
  const sameOptions = b.options.ipBlockMatchesPodIps === (after.options?.ipBlockMatchesPodIps ?? true);
  return [b, sameInventory && sameOptions ? b.withPolicyChanges(delta.changes) : createAnalysis(analysisInput(after, afterInventory))];
}

/**
 * What a change from `before` to `after` deserves a look for: the policy-set findings the change
 * introduces (only for added and modified policies, and only those not already present before),
 * namespaces losing their default deny, and — when an inventory is given on either side — every
 * flow it opens, widens or closes, with new internet egress and ingress called out. `maxSeverity`
 * is what approval rules key on; a semantic no-op (`connectivityUnchanged`, no finding) has `'none'`.
 *
 * @example
 * const report = findingsForChange({ policies: current, inventory }, { policies: proposed, inventory });
 * report.maxSeverity; // 'high' when the change opens egress to 1.1.1.1/32
 * report.findings.map((f) => f.code); // ['EGRESS_TO_INTERNET_OPENED', 'EGRESS_TO_INTERNET', 'FLOW_OPENED']
 */
export function findingsForChange(before: FindingsInput, after: FindingsInput, options: FindingsOptions = {}): ChangeFindingsReport {
  const delta = policyDelta(before.policies, after.policies);
  const afterInventory = after.inventory ?? before.inventory;
  const beforeInventory = before.inventory ?? after.inventory;

  // Policy-set findings only involve policies of one namespace: look at the touched ones only.
  const touchedNamespaces = new Set([...delta.touched].map((key) => key.slice(0, key.indexOf('/'))));
  const touched = (p: NetworkPolicy): boolean => touchedNamespaces.has(p.metadata.namespace);
  const beforeTouched = before.policies.filter(touched);
  const afterTouched = after.policies.filter(touched);

  const changed = new Set([...delta.summary.added, ...delta.summary.modified]);
  const afterCtx = new FindingsContext(afterTouched, afterInventory, options);
  const introduced = changed.size === 0 ? [] : policySetFindings(afterCtx, changed);
  const previously = delta.summary.modified.length === 0 ? [] : policySetFindings(new FindingsContext(beforeTouched, beforeInventory, options), new Set(delta.summary.modified));
  const known = new Set(previously.map((f) => f.fingerprint));
  const findings = introduced.filter((f) => !known.has(f.fingerprint));
  findings.push(...lostDefaultDenies(beforeTouched, afterTouched));

  let diff: ConnectivityDiff | undefined;
  const inventory = afterInventory ?? beforeInventory;
  if (inventory || (before.analysis && after.analysis)) {
    const [b, a] = analysesFor(before, after, inventory as Inventory, delta);
    diff = b.diff(a);
    findings.push(...flowFindings(diff, () => b.connectivity(), delta, afterCtx.privateSet));
  }
  const report = summarizeFindings(findings);
  return {
    ...report,
    changes: delta.summary,
    ...(diff ? { diff, connectivityUnchanged: diff.added.length === 0 && diff.removed.length === 0 } : {}),
  };
}
