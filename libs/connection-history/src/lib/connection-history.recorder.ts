import type { Endpoint, Flow } from '@palisade/netpol-engine';
import { type ConnectionEndpointRecord, ConnectionHistoryRepository, type NewConnectionChange, type TransactionClient } from '@palisade/persistence';
import { Injectable } from '@nestjs/common';

import type { ConnectivityChangeInput } from './connectivity-change.input';

export function toEndpointRecord(endpoint: Endpoint): ConnectionEndpointRecord {
  return endpoint.kind === 'workload'
    ? { kind: 'WORKLOAD', namespace: endpoint.namespace, workloadKind: endpoint.workloadKind, workloadName: endpoint.name }
    : { kind: 'CIDR', cidr: endpoint.cidr, except: [...(endpoint.except ?? [])] };
}

/** One change per (flow, protocol, port range). */
function toChanges(change: NewConnectionChange['change'], flows: readonly Flow[], into: NewConnectionChange[]): void {
  for (const flow of flows) {
    const source = toEndpointRecord(flow.from);
    const destination = toEndpointRecord(flow.to);
    for (const ports of flow.ports) {
      for (const [from, to] of ports.ranges) into.push({ change, source, destination, protocol: ports.protocol, ports: { from, to } });
    }
  }
}

/**
 * Stores a cluster's connectivity changes and keeps its open connections current. Called inside the
 * transaction that creates a version or stores a snapshot, so history exists exactly when the change does.
 */
@Injectable()
export class ConnectionHistoryRecorder {
  constructor(private readonly history: ConnectionHistoryRepository) {}

  async record(tx: TransactionClient, input: ConnectivityChangeInput): Promise<{ opened: number; closed: number }> {
    const changes: NewConnectionChange[] = [];
    // Closed first: within one change they are subtracted before the opened ranges are added.
    toChanges('CLOSED', input.closed, changes);
    toChanges('OPENED', input.opened, changes);
    if (changes.length === 0) return { opened: 0, closed: 0 };
    return this.history.record(
      {
        clusterId: input.clusterId,
        version: input.version,
        cause: input.cause,
        proposalId: input.proposalId,
        author: input.author,
        approvers: input.approvers,
        snapshotId: input.snapshotId,
        occurredAt: input.occurredAt,
      },
      changes,
      tx,
    );
  }
}
