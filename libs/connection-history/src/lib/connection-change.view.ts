import { type Endpoint, formatEndpoint } from '@palisade/netpol-engine';
import type {
  ConnectionChangeCause,
  ConnectionChangeKind,
  ConnectionChangeRecord,
  ConnectionEndpointRecord,
  NetworkProtocol,
  OpenConnectionRecord,
} from '@palisade/persistence';
import type { Actor } from '@palisade/shared-types';

/** One end of a flow: a workload (namespace, kind, name) or an address range (cidr minus except). */
export interface ConnectionEndpointView {
  kind: 'workload' | 'cidr';
  namespace: string | null;
  workloadKind: string | null;
  name: string | null;
  cidr: string | null;
  except: string[];
  /** As the engine and the CLI print it: `default/myapp[Deployment]`, `1.1.1.1/32`, `0.0.0.0/0 except 10.0.0.0/8`. */
  text: string;
}

export interface ConnectionChangeView {
  id: string;
  cluster: string;
  change: ConnectionChangeKind;
  cause: ConnectionChangeCause;
  source: ConnectionEndpointView;
  destination: ConnectionEndpointView;
  protocol: NetworkProtocol;
  /** Inclusive. */
  ports: { from: number; to: number };
  /** The cluster's head version after the change. */
  version: number | null;
  proposal: { id: string; title: string | null } | null;
  author: Actor | null;
  approvers: { id: string | null; name: string }[];
  snapshotId: string | null;
  occurredAt: Date;
}

export interface OpenConnectionView {
  cluster: string;
  source: ConnectionEndpointView;
  destination: ConnectionEndpointView;
  protocol: NetworkProtocol;
  /** What is open now: the opened range, or the part of it not closed since. */
  ports: { from: number; to: number };
  since: Date;
  /** The change that opened it (cause INITIAL for the cluster's first version). */
  openedBy: ConnectionChangeView;
}

export function toEngineEndpoint(record: ConnectionEndpointRecord): Endpoint {
  return record.kind === 'WORKLOAD'
    ? { kind: 'workload', namespace: record.namespace, workloadKind: record.workloadKind, name: record.workloadName }
    : record.except.length > 0
      ? { kind: 'cidr', cidr: record.cidr, except: record.except }
      : { kind: 'cidr', cidr: record.cidr };
}

export function toEndpointView(record: ConnectionEndpointRecord): ConnectionEndpointView {
  const text = formatEndpoint(toEngineEndpoint(record));
  return record.kind === 'WORKLOAD'
    ? { kind: 'workload', namespace: record.namespace, workloadKind: record.workloadKind, name: record.workloadName, cidr: null, except: [], text }
    : { kind: 'cidr', namespace: null, workloadKind: null, name: null, cidr: record.cidr, except: record.except, text };
}

export function toConnectionChangeView(record: ConnectionChangeRecord): ConnectionChangeView {
  return {
    id: record.id,
    cluster: record.clusterName,
    change: record.change,
    cause: record.cause,
    source: toEndpointView(record.source),
    destination: toEndpointView(record.destination),
    protocol: record.protocol,
    ports: record.ports,
    version: record.version,
    proposal: record.proposal,
    author: record.author,
    approvers: record.approvers,
    snapshotId: record.snapshotId,
    occurredAt: record.occurredAt,
  };
}

export function toOpenConnectionView(record: OpenConnectionRecord): OpenConnectionView {
  return {
    cluster: record.clusterName,
    source: toEndpointView(record.source),
    destination: toEndpointView(record.destination),
    protocol: record.protocol,
    ports: record.ports,
    since: record.since,
    openedBy: toConnectionChangeView(record.openedBy),
  };
}
