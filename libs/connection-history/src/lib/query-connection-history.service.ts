import { ClustersService } from '@palisade/clusters';
import { ConnectionHistoryRepository, ConnectivityTrackingRepository } from '@palisade/persistence';
import { assertRole, encodeCursor } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { clustersToSearch } from './clusters-to-search.util';
import { type ConnectionChangeView, toConnectionChangeView } from './connection-change.view';
import type { ConnectionHistoryQueryCommand } from './connection-history-query.command';
import type { ConnectionPage } from './connection-page.view';
import { laggingOf } from './lagging-of.util';

/** Who opened or closed which connection, when, and who approved it: newest first. */
@Injectable()
export class QueryConnectionHistoryService {
  constructor(
    private readonly clusters: ClustersService,
    private readonly history: ConnectionHistoryRepository,
    private readonly tracking: ConnectivityTrackingRepository,
  ) {}

  /** Auditors and admins, within their scope. */
  async execute(command: ConnectionHistoryQueryCommand): Promise<ConnectionPage<ConnectionChangeView>> {
    assertRole(command.caller, ['auditor', 'admin']);
    const clusterIds = await clustersToSearch(command.caller, command.cluster, this.clusters);
    const lagging = await laggingOf(this.tracking, clusterIds);
    if (clusterIds !== null && clusterIds.length === 0) return { items: [], nextCursor: null, ...lagging };
    const rows = await this.history.queryHistory(
      {
        clusterIds,
        from: command.from,
        to: command.to,
        port: command.port,
        protocol: command.protocol,
        change: command.change,
        since: command.since,
        until: command.until,
        beforeSeq: command.beforeSeq,
      },
      command.limit + 1,
    );
    const page = rows.slice(0, command.limit);
    const last = page.at(-1);
    return {
      items: page.map(toConnectionChangeView),
      nextCursor: rows.length > command.limit && last ? encodeCursor(last.seq) : null,
      ...lagging,
    };
  }
}
