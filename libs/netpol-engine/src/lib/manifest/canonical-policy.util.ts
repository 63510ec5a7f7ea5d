import { createHash } from 'node:crypto';

import { canonicalJson } from './canonical-json.util';
import type {
  LabelSelector,
  LabelSelectorRequirement,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
  PolicyType,
} from './network-policy.type';
import { policyKey } from './policy-key.util';

const POLICY_TYPE_ORDER: readonly PolicyType[] = ['Ingress', 'Egress'];

/**
 * The policy as the API server stores it, spelled out, so that equal stored meaning gives equal
 * output: `policyTypes` defaulted exactly as the API server does (`['Ingress']`, plus `'Egress'`
 * when `spec.egress` has at least one rule) and ordered Ingress, Egress; port protocol defaulted to
 * TCP; `podSelector` always present; label and annotation keys sorted. Empty lists and maps
 * (`ingress: []`, `from: []`, `matchLabels: {}`, `except: []`, `values: []` of Exists, empty
 * labels...) are removed: the API server stores them exactly like absent ones (protobuf) and,
 * once policyTypes is explicit, they mean the same. Rule, peer, port and value order is kept.
 * Idempotent; only the typed fields are copied.
 *
 * @example
 * canonicalizeNetworkPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
 *   metadata: { name: 'web', namespace: 'shop' }, spec: { ingress: [{ ports: [{ port: 80 }] }] } }).spec
 * // { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 80 }] }] }
 */
export function canonicalizeNetworkPolicy(p: NetworkPolicy): NetworkPolicy {
  const spec = p.spec ?? {};
  const labels = sortedMap(p.metadata.labels);
  const annotations = sortedMap(p.metadata.annotations);
  const ingress = nonEmpty(spec.ingress)?.map(canonicalIngressRule);
  const egress = nonEmpty(spec.egress)?.map(canonicalEgressRule);
  return {
    apiVersion: p.apiVersion,
    kind: p.kind,
    metadata: {
      name: p.metadata.name,
      namespace: p.metadata.namespace,
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
    spec: {
      podSelector: canonicalSelector(spec.podSelector ?? {}),
      policyTypes: defaultedPolicyTypes(spec),
      ...(ingress ? { ingress } : {}),
      ...(egress ? { egress } : {}),
    },
  };
}

/**
 * SHA-256 (hex) of the canonical form: the content address of a policy.
 *
 * @example hashNetworkPolicy(policy) === hashNetworkPolicy(canonicalizeNetworkPolicy(policy)) // true
 */
export function hashNetworkPolicy(p: NetworkPolicy): string {
  return sha256(canonicalJson(canonicalizeNetworkPolicy(p)));
}

/**
 * SHA-256 (hex) of a policy set, independent of order and of spelled-out defaults: the hash of the
 * lines `<namespace>/<name> <policy hash>\n`, sorted by key (then hash).
 *
 * @example hashPolicySet([a, b]) === hashPolicySet([b, a]) // true
 */
export function hashPolicySet(policies: readonly NetworkPolicy[]): string {
  const lines = policies
    .map((p) => `${policyKey(p)} ${hashNetworkPolicy(p)}\n`)
    .sort(); // keys contain no spaces, so line order is key order, then hash order
  return sha256(lines.join(''));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function defaultedPolicyTypes(spec: NetworkPolicySpec): PolicyType[] {
  const declared = spec.policyTypes ?? [];
  // pkg/apis/networking/v1/defaults.go: Egress is implied only by a non-empty egress list.
  const types: PolicyType[] = declared.length > 0 ? declared : ['Ingress', ...(nonEmpty(spec.egress) ? (['Egress'] as const) : [])];
  return POLICY_TYPE_ORDER.filter((t) => types.includes(t));
}

function canonicalIngressRule(rule: NetworkPolicyIngressRule): NetworkPolicyIngressRule {
  const from = nonEmpty(rule.from)?.map(canonicalPeer);
  const ports = nonEmpty(rule.ports)?.map(canonicalPort);
  return { ...(from ? { from } : {}), ...(ports ? { ports } : {}) };
}

function canonicalEgressRule(rule: NetworkPolicyEgressRule): NetworkPolicyEgressRule {
  const to = nonEmpty(rule.to)?.map(canonicalPeer);
  const ports = nonEmpty(rule.ports)?.map(canonicalPort);
  return { ...(to ? { to } : {}), ...(ports ? { ports } : {}) };
}

function canonicalPeer(peer: NetworkPolicyPeer): NetworkPolicyPeer {
  const except = nonEmpty(peer.ipBlock?.except);
  return {
    ...(peer.podSelector ? { podSelector: canonicalSelector(peer.podSelector) } : {}),
    ...(peer.namespaceSelector ? { namespaceSelector: canonicalSelector(peer.namespaceSelector) } : {}),
    ...(peer.ipBlock ? { ipBlock: { cidr: peer.ipBlock.cidr, ...(except ? { except: [...except] } : {}) } } : {}),
  };
}

function canonicalPort(port: NetworkPolicyPort): NetworkPolicyPort {
  return {
    protocol: port.protocol ?? 'TCP',
    ...(port.port === undefined ? {} : { port: port.port }),
    ...(port.endPort === undefined ? {} : { endPort: port.endPort }),
  };
}

function canonicalSelector(selector: LabelSelector): LabelSelector {
  const matchLabels = sortedMap(selector.matchLabels);
  const matchExpressions = nonEmpty(selector.matchExpressions)?.map(canonicalRequirement);
  return { ...(matchLabels ? { matchLabels } : {}), ...(matchExpressions ? { matchExpressions } : {}) };
}

function canonicalRequirement(r: LabelSelectorRequirement): LabelSelectorRequirement {
  const values = nonEmpty(r.values);
  return { key: r.key, operator: r.operator, ...(values ? { values: [...values] } : {}) };
}

function nonEmpty<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function sortedMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  const keys = Object.keys(map ?? {}).sort();
  if (!map || keys.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = map[k] as string;
  return out;
}
