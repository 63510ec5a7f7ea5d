/**
 * A deliberately simple reference evaluator for networking.k8s.io/v1 NetworkPolicy, written
 * straight from the API reference's field descriptions, one pod pair and one port at a time.
 * It shares no code with the engine (only the input types) and favours obviousness over speed.
 */
import type { Inventory, InventoryPod, Protocol } from '../../model.type';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../../manifest';

export interface ReferenceOptions {
  ipBlockMatchesPodIps: boolean;
}

/** A traffic endpoint: a pod of the inventory, or an address outside the cluster. */
export type RefEndpoint = { pod: InventoryPod } | { ip: string };

// ---- addresses as bit strings -------------------------------------------------------------

/** An address as a string of '0'/'1' (32 for IPv4, 128 for IPv6), or null if not an address. */
export function addressBits(text: string): string | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const octets = text.split('.').map(Number);
    if (octets.some((o) => o > 255)) return null;
    return octets.map((o) => o.toString(2).padStart(8, '0')).join('');
  }
  if (!text.includes(':')) return null;
  let groups: string[];
  if (text.includes('::')) {
    const [left, right] = text.split('::');
    const l = left === '' ? [] : left.split(':');
    const r = right === '' ? [] : right.split(':');
    groups = [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  } else {
    groups = text.split(':');
  }
  if (groups.length !== 8) return null;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

/** Whether `ip` lies in `cidr`: same family and the first prefix-length bits agree (host bits ignored). */
export function cidrContains(cidr: string, ip: string): boolean {
  const [network, lengthText] = cidr.split('/');
  const networkBits = addressBits(network);
  const ipBits = addressBits(ip);
  if (networkBits === null || ipBits === null || networkBits.length !== ipBits.length) return false;
  const length = Number(lengthText);
  return networkBits.slice(0, length) === ipBits.slice(0, length);
}

// ---- label selectors ---------------------------------------------------------------------

/**
 * matchLabels: each {key,value} is like an "In" requirement with one value. matchExpressions:
 * all requirements are ANDed. NotIn and DoesNotExist are satisfied by a missing key.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const has = (key: string) => Object.keys(labels).includes(key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(key) || labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const values = requirement.values ?? [];
    const present = has(requirement.key);
    if (requirement.operator === 'In' && !(present && values.includes(labels[requirement.key]))) return false;
    if (requirement.operator === 'NotIn' && present && values.includes(labels[requirement.key])) return false;
    if (requirement.operator === 'Exists' && !present) return false;
    if (requirement.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

// ---- the evaluator -----------------------------------------------------------------------

export class ReferenceEvaluator {
  constructor(
    private readonly inventory: Inventory,
    private readonly policies: readonly NetworkPolicy[],
    private readonly options: ReferenceOptions,
  ) {}

  /** Namespace labels; the API server sets kubernetes.io/metadata.name on every namespace. */
  namespaceLabels(namespace: string): Record<string, string> {
    const listed = this.inventory.namespaces.find((n) => n.name === namespace);
    return { ...(listed?.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
  }

  pod(ref: string): InventoryPod {
    const pod = this.inventory.pods.find((p) => `${p.namespace}/${p.name}` === ref);
    if (!pod) throw new Error(`no pod ${ref}`);
    return pod;
  }

  /**
   * policyTypes: "If this field is not specified, it will default based on the existence of
   * ingress or egress rules; policies that contain an egress section are assumed to affect
   * egress, and all policies (whether or not they contain an ingress section) are assumed to
   * affect ingress." An empty list is "not specified"; an empty egress list has no section.
   */
  policyTypes(policy: NetworkPolicy): string[] {
    const declared = policy.spec.policyTypes ?? [];
    if (declared.length > 0) return declared;
    const hasEgressSection = policy.spec.egress !== undefined && policy.spec.egress.length > 0;
    return hasEgressSection ? ['Ingress', 'Egress'] : ['Ingress'];
  }

  /** podSelector "selects the pods to which this NetworkPolicy object applies", in its namespace. */
  selects(policy: NetworkPolicy, pod: InventoryPod): boolean {
    return policy.metadata.namespace === pod.namespace && labelSelectorMatches(policy.spec.podSelector ?? {}, pod.labels ?? {});
  }

  private peerMatches(policy: NetworkPolicy, peer: NetworkPolicyPeer, endpoint: RefEndpoint): boolean {
    if (peer.ipBlock) {
      const ip = 'ip' in endpoint ? endpoint.ip : this.options.ipBlockMatchesPodIps ? endpoint.pod.ip : undefined;
      if (ip === undefined || ip === '') return false;
      if (!cidrContains(peer.ipBlock.cidr, ip)) return false;
      return !(peer.ipBlock.except ?? []).some((e) => cidrContains(e, ip));
    }
    if (!('pod' in endpoint)) return false;
    const pod = endpoint.pod;
    if (peer.namespaceSelector) {
      // "selects the Pods matching PodSelector in the Namespaces selected by NamespaceSelector"
      // or, without podSelector, "all Pods in the Namespaces selected by NamespaceSelector".
      if (!labelSelectorMatches(peer.namespaceSelector, this.namespaceLabels(pod.namespace))) return false;
      return peer.podSelector ? labelSelectorMatches(peer.podSelector, pod.labels ?? {}) : true;
    }
    if (peer.podSelector) {
      // "Otherwise it selects the Pods matching PodSelector in the policy's own Namespace."
      return pod.namespace === policy.metadata.namespace && labelSelectorMatches(peer.podSelector, pod.labels ?? {});
    }
    return false;
  }

  /**
   * "If this field is empty or missing, this rule matches all sources (traffic not restricted
   * by source). If this field is present and contains at least one item, this rule allows
   * traffic only if the traffic matches at least one item in the from list."
   */
  private peersMatch(policy: NetworkPolicy, peers: NetworkPolicyPeer[] | undefined, endpoint: RefEndpoint): boolean {
    if (!peers || peers.length === 0) return true;
    return peers.some((peer) => this.peerMatches(policy, peer, endpoint));
  }

  /**
   * protocol defaults to TCP; a missing port "matches all port names and numbers"; a named port
   * is looked up on the destination pod (name and protocol); endPort makes an inclusive range.
   */
  private portMatches(entry: NetworkPolicyPort, destination: RefEndpoint, protocol: Protocol, port: number): boolean {
    if ((entry.protocol ?? 'TCP') !== protocol) return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === 'number') {
      const end = entry.endPort ?? entry.port;
      return entry.port <= port && port <= end;
    }
    if (!('pod' in destination)) return false;
    return (destination.pod.ports ?? []).some((p) => p.name === entry.port && (p.protocol ?? 'TCP') === protocol && p.port === port);
  }

  private portsMatch(ports: NetworkPolicyPort[] | undefined, destination: RefEndpoint, protocol: Protocol, port: number): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((entry) => this.portMatches(entry, destination, protocol, port));
  }

  /** Whether the destination pod accepts the connection (its ingress side). */
  ingressAllows(destination: InventoryPod, source: RefEndpoint, protocol: Protocol, port: number): boolean {
    const isolating = this.policies.filter((p) => this.selects(p, destination) && this.policyTypes(p).includes('Ingress'));
    if (isolating.length === 0) return true;
    return isolating.some((policy) =>
      (policy.spec.ingress ?? []).some(
        (rule) => this.peersMatch(policy, rule.from, source) && this.portsMatch(rule.ports, { pod: destination }, protocol, port),
      ),
    );
  }

  /** Whether the source pod may send the connection (its egress side). */
  egressAllows(source: InventoryPod, destination: RefEndpoint, protocol: Protocol, port: number): boolean {
    const isolating = this.policies.filter((p) => this.selects(p, source) && this.policyTypes(p).includes('Egress'));
    if (isolating.length === 0) return true;
    return isolating.some((policy) =>
      (policy.spec.egress ?? []).some(
        (rule) => this.peersMatch(policy, rule.to, destination) && this.portsMatch(rule.ports, destination, protocol, port),
      ),
    );
  }

  /** The verdict for one connection: both sides must allow pod→pod; IP→IP is not cluster traffic. */
  allowed(source: RefEndpoint, destination: RefEndpoint, protocol: Protocol, port: number): boolean {
    if ('pod' in source && 'pod' in destination && source.pod === destination.pod) return true;
    const egress = 'pod' in source ? this.egressAllows(source.pod, destination, protocol, port) : true;
    const ingress = 'pod' in destination ? this.ingressAllows(destination.pod, source, protocol, port) : true;
    return egress && ingress;
  }

  /** Same as `allowed`, with endpoints written as `namespace/pod` or an IP address. */
  allowedText(from: string, to: string, protocol: Protocol, port: number): boolean {
    const endpoint = (text: string): RefEndpoint => (addressBits(text) !== null ? { ip: text } : { pod: this.pod(text) });
    return this.allowed(endpoint(from), endpoint(to), protocol, port);
  }
}
