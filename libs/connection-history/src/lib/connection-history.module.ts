import { ClustersModule } from '@palisade/clusters';
import { Module } from '@nestjs/common';

import { ConnectionHistoryStatusService } from './connection-history-status.service';
import { ConnectionHistoryRecorder } from './connection-history.recorder';
import { ListOpenConnectionsService } from './list-open-connections.service';
import { QueryConnectionHistoryService } from './query-connection-history.service';

@Module({
  imports: [ClustersModule],
  providers: [ConnectionHistoryRecorder, ConnectionHistoryStatusService, ListOpenConnectionsService, QueryConnectionHistoryService],
  exports: [ConnectionHistoryRecorder, ConnectionHistoryStatusService, ListOpenConnectionsService, QueryConnectionHistoryService],
})
export class ConnectionHistoryModule {}
