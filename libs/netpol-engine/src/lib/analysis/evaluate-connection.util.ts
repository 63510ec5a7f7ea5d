import { AnalysisErrorCode, AnalysisException } from './analysis.exception';
import { addressSetHas, parseIp } from './ip-address.util';
import { selectorMatches } from './label-selector.util';
import type { EndpointText, Explanation, Protocol, ReachQuery, RuleRef, SideExplanation } from './model.type';
import type { NetworkPolicyPeer } from '../manifest';
import type { IrContext, PolicyIR } from './policy-ir.util';
import { MAX_PORT, portPoint, type PortSetTable } from './port-set.util';
import type { PreparedInventory, PreparedPod } from './prepared-inventory.util';

export type EndpointRef = { kind: 'pod'; pod: PreparedPod } | { kind: 'ip'; ip: bigint };

/** What one connection is evaluated against; policies are looked up by the pod's namespace. */
export interface EvaluationContext {
  inventory: PreparedInventory;
  ports: PortSetTable;
  /** Parses and interns the rules' ipBlocks (each parsed once per lineage). */
  irContext: IrContext;
  ipBlockMatchesPodIps: boolean;
  policiesInNamespace: (namespace: string) => readonly PolicyIR[];
}

const PROTOCOL_NAMES: readonly string[] = ['TCP', 'UDP', 'SCTP'];

export function resolveEndpoint(inventory: PreparedInventory, text: EndpointText): EndpointRef {
  const ip = parseIp(text);
  if (ip !== undefined) return { kind: 'ip', ip };
  const podId = inventory.podId(text);
  if (podId !== undefined) return { kind: 'pod', pod: inventory.pod(podId) };
  if (/^[^/]+\/[^/]+$/.test(text)) throw new AnalysisException(AnalysisErrorCode.UNKNOWN_POD, `pod ${text} is not in the inventory`);
  throw new AnalysisException(AnalysisErrorCode.INVALID_ENDPOINT, `"${text}" is neither namespace/pod nor an IP address`);
}

function checkQuery(query: ReachQuery): Protocol {
  const protocol = query.protocol ?? 'TCP';
  if (!PROTOCOL_NAMES.includes(protocol)) throw new AnalysisException(AnalysisErrorCode.INVALID_QUERY, `protocol "${protocol}" is not TCP, UDP or SCTP`);
  if (!Number.isInteger(query.port) || query.port < 1 || query.port > MAX_PORT) {
    throw new AnalysisException(AnalysisErrorCode.INVALID_QUERY, `port ${query.port} is not an integer from 1 to 65535`);
  }
  return protocol;
}

/** Whether a rule with `peers` (null: every peer) admits `peer`. */
function peerMatches(ctx: EvaluationContext, policy: PolicyIR, peers: readonly NetworkPolicyPeer[] | null, peer: EndpointRef): boolean {
  if (!peers) return true;
  for (const p of peers) {
    if (p.ipBlock) {
      const addresses = ctx.irContext.block(p.ipBlock);
      if (peer.kind === 'ip' && addressSetHas(addresses, peer.ip)) return true;
      if (peer.kind === 'pod' && ctx.ipBlockMatchesPodIps && peer.pod.ip !== undefined && addressSetHas(addresses, peer.pod.ip)) return true;
    } else if ((p.podSelector || p.namespaceSelector) && peer.kind === 'pod') {
      const namespace = ctx.inventory.namespaces[peer.pod.nsId];
      const namespaceOk = p.namespaceSelector ? selectorMatches(p.namespaceSelector, namespace.labels) : namespace.name === policy.namespace;
      if (namespaceOk && (!p.podSelector || selectorMatches(p.podSelector, peer.pod.labels))) return true;
    }
  }
  return false;
}

function notApplicable(): SideExplanation {
  return { applicable: false, isolated: false, selectingPolicies: [], allowedBy: [], allowed: true };
}

/** One side (egress of the source, or ingress of the destination) of a connection. */
function explainSide(
  ctx: EvaluationContext,
  direction: 'ingress' | 'egress',
  subject: PreparedPod,
  peer: EndpointRef,
  point: number,
  destinationPortMap: number,
  collect: boolean,
): SideExplanation {
  const selecting: string[] = [];
  const allowedBy: RuleRef[] = [];
  const namespace = ctx.inventory.namespaces[subject.nsId].name;
  const irContext = ctx.irContext;
  const { ruleSpec, rulePeers } = irContext;
  for (const policy of ctx.policiesInNamespace(namespace)) {
    const start = irContext.rulesStart(policy.id, direction);
    const end = irContext.rulesEnd(policy.id, direction);
    if (start < 0 || !selectorMatches(policy.podSelector, subject.labels)) continue;
    selecting.push(policy.key);
    if (!collect && allowedBy.length > 0) continue;
    for (let r = start; r < end; r++) {
      if (!ctx.ports.has(ctx.ports.resolve(ruleSpec[r], destinationPortMap), point)) continue;
      if (peerMatches(ctx, policy, rulePeers[r], peer)) allowedBy.push({ policy: policy.key, rule: r - start });
    }
  }
  return { applicable: true, isolated: selecting.length > 0, selectingPolicies: selecting, allowedBy, allowed: selecting.length === 0 || allowedBy.length > 0 };
}

/**
 * Evaluates one connection straight from the policies of the two pods' namespaces (no class
 * computation), so it stays fast on any cluster size.
 */
export function evaluateConnection(ctx: EvaluationContext, query: ReachQuery, collect: boolean): Explanation {
  const protocol = checkQuery(query);
  const src = resolveEndpoint(ctx.inventory, query.from);
  const dst = resolveEndpoint(ctx.inventory, query.to);
  const point = portPoint(protocol, query.port);
  const base = { from: query.from, to: query.to, port: query.port, protocol };
  if (src.kind === 'ip' && dst.kind === 'ip') {
    return { ...base, allowed: true, reason: 'neither endpoint is a pod: not cluster traffic, no NetworkPolicy applies', egress: notApplicable(), ingress: notApplicable() };
  }
  const destinationPortMap = dst.kind === 'pod' ? dst.pod.portMapId : 0;
  const egress = src.kind === 'pod' ? explainSide(ctx, 'egress', src.pod, dst, point, destinationPortMap, collect) : notApplicable();
  const ingress = dst.kind === 'pod' ? explainSide(ctx, 'ingress', dst.pod, src, point, destinationPortMap, collect) : notApplicable();
  if (src.kind === 'pod' && dst.kind === 'pod' && src.pod.id === dst.pod.id) {
    return { ...base, allowed: true, reason: 'a pod may always connect to itself', egress, ingress };
  }
  const allowed = egress.allowed && ingress.allowed;
  return { ...base, allowed, reason: describe(egress, ingress), egress, ingress };
}

function describe(egress: SideExplanation, ingress: SideExplanation): string {
  const side = (name: string, s: SideExplanation): string => {
    if (!s.applicable) return `${name} does not apply (external address)`;
    if (!s.isolated) return `${name} is not isolated`;
    return s.allowed ? `${name} is allowed by ${s.allowedBy.length} rule(s)` : `${name} is isolated and no rule allows it`;
  };
  return `${side('egress', egress)}; ${side('ingress', ingress)}`;
}
