import type { LabelSelector, NetworkPolicyPeer, NetworkPolicyPort } from '../manifest/network-policy.type';
import {
  type AddressSet,
  ALL_PORT_RANGES,
  ipBlockAddresses,
  normalizePortRanges,
  PROTOCOL_SPAN,
  protocolIndex,
  selectorKey,
  subtractAddressSets,
  subtractPortRanges,
  unionAddressSets,
} from './analysis-primitives.util';
import { namespaceNameSelector, selectorImplies } from './selector-logic.util';

/** Ports of a rule on one number line (`protocolIndex * 65536 + port`) plus unresolved named ports. */
export interface PortShape {
  numeric: number[];
  /** `protocolIndex/name`. */
  named: ReadonlySet<string>;
}

/** A pod peer with its implicit parts spelled out: own namespace as a name selector, missing podSelector as `{}`. */
export interface PodPeerShape {
  namespaces: LabelSelector;
  pods: LabelSelector;
}

/** What a rule allows, normalised for comparisons between rules. */
export interface RuleShape {
  /** `from`/`to` missing or empty: every peer. */
  everyPeer: boolean;
  addresses: AddressSet;
  podPeers: PodPeerShape[];
  ports: PortShape;
  /** Equal for rules that allow the same thing written the same way up to order. */
  key: string;
}

const PROTOCOL_NAMES = ['TCP', 'UDP', 'SCTP'] as const;

export function portShape(ports: readonly NetworkPolicyPort[] | undefined): PortShape {
  if (!ports || ports.length === 0) return { numeric: [...ALL_PORT_RANGES], named: new Set() };
  const pairs: [number, number][] = [];
  const named = new Set<string>();
  for (const p of ports) {
    const base = protocolIndex(p.protocol) * PROTOCOL_SPAN;
    if (p.port === undefined) pairs.push([base + 1, base + 65535]);
    else if (typeof p.port === 'string') named.add(`${protocolIndex(p.protocol)}/${p.port}`);
    else pairs.push([base + p.port, base + (p.endPort ?? p.port)]);
  }
  return { numeric: normalizePortRanges(pairs), named };
}

export function ruleShape(namespace: string, peers: readonly NetworkPolicyPeer[] | undefined, ports: readonly NetworkPolicyPort[] | undefined): RuleShape {
  const portsShape = portShape(ports);
  const portKey = `${portsShape.numeric.join(',')};${[...portsShape.named].sort().join(',')}`;
  if (!peers || peers.length === 0) return { everyPeer: true, addresses: [], podPeers: [], ports: portsShape, key: `*|${portKey}` };
  let addresses: AddressSet = [];
  const podPeers: PodPeerShape[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) addresses = unionAddressSets(addresses, ipBlockAddresses(peer.ipBlock));
    else if (peer.podSelector || peer.namespaceSelector) {
      podPeers.push({ namespaces: peer.namespaceSelector ?? namespaceNameSelector(namespace), pods: peer.podSelector ?? {} });
    }
  }
  const podKeys = [...new Set(podPeers.map((p) => `${selectorKey(p.namespaces)}\u0002${selectorKey(p.pods)}`))].sort();
  return { everyPeer: false, addresses, podPeers, ports: portsShape, key: `${addresses.join(',')}|${podKeys.join('\u0003')}|${portKey}` };
}

function coversProtocol(numeric: readonly number[], protocol: number): boolean {
  const lo = protocol * PROTOCOL_SPAN + 1;
  const hi = protocol * PROTOCOL_SPAN + 65535;
  return subtractPortRanges([lo, hi], numeric).length === 0;
}

/** Whether every port `a` allows on any destination, `b` allows too (a named port only counts as covered by the same name). */
export function portsCovered(a: PortShape, b: PortShape): boolean {
  if (subtractPortRanges(a.numeric, b.numeric).length > 0) return false;
  for (const name of a.named) {
    if (!b.named.has(name) && !coversProtocol(b.numeric, Number(name.slice(0, name.indexOf('/'))))) return false;
  }
  return true;
}

/** Whether every peer and port `a` allows, `b` allows too, for the same selected pod. Sound, not complete. */
export function ruleCovered(a: RuleShape, b: RuleShape): boolean {
  if (!portsCovered(a.ports, b.ports)) return false;
  if (b.everyPeer) return true;
  if (a.everyPeer) return false;
  if (subtractAddressSets(a.addresses, b.addresses).length > 0) return false;
  return a.podPeers.every((p) => b.podPeers.some((q) => selectorImplies(p.namespaces, q.namespaces) && selectorImplies(p.pods, q.pods)));
}

/** Ports of a rule as text: `all ports`, or e.g. `TCP 443, UDP 53, TCP 8000-8080, TCP http`. */
export function describePorts(ports: readonly NetworkPolicyPort[] | undefined): string {
  if (!ports || ports.length === 0) return 'all ports';
  return ports
    .map((p) => {
      const protocol = p.protocol ?? PROTOCOL_NAMES[0];
      if (p.port === undefined) return `${protocol} (all ports)`;
      return p.endPort !== undefined ? `${protocol} ${p.port}-${p.endPort}` : `${protocol} ${p.port}`;
    })
    .join(', ');
}
