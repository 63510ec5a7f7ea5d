import { ClustersService } from '@palisade/clusters';
import { ConnectionHistoryRepository, ConnectivityTrackingRepository, openConnectionPosition } from '@palisade/persistence';
import { assertRole, encodeCursor } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { clustersToSearch } from './clusters-to-search.util';
import { type OpenConnectionView, toOpenConnectionView } from './connection-change.view';
import type { ConnectionPage } from './connection-page.view';
import { laggingOf } from './lagging-of.util';
import type { OpenConnectionsQueryCommand } from './open-connections-query.command';

/** The connections open at the head right now, each with the change that opened it: newest opener first. */
@Injectable()
export class ListOpenConnectionsService {
  constructor(
    private readonly clusters: ClustersService,
    private readonly history: ConnectionHistoryRepository,
    private readonly tracking: ConnectivityTrackingRepository,
  ) {}

  /** Auditors and admins, within their scope. */
  async execute(command: OpenConnectionsQueryCommand): Promise<ConnectionPage<OpenConnectionView>> {
    assertRole(command.caller, ['auditor', 'admin']);
    const clusterIds = await clustersToSearch(command.caller, command.cluster, this.clusters);
    const lagging = await laggingOf(this.tracking, clusterIds);
    if (clusterIds !== null && clusterIds.length === 0) return { items: [], nextCursor: null, ...lagging };
    const rows = await this.history.queryOpen(
      { clusterIds, from: command.from, to: command.to, port: command.port, protocol: command.protocol, after: command.after },
      command.limit + 1,
    );
    const page = rows.slice(0, command.limit);
    const last = page.at(-1);
    const position = last ? openConnectionPosition(last) : undefined;
    return {
      items: page.map(toOpenConnectionView),
      nextCursor: rows.length > command.limit && position ? encodeCursor([position.openedSeq, position.portFrom]) : null,
      ...lagging,
    };
  }
}
