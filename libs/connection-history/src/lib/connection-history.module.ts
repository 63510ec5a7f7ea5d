import { ClustersModule } from '@palisade/clusters';
import { Module } from '@nestjs/common';

import { ConnectionHistoryRecorder } from './connection-history.recorder';
import { ListOpenConnectionsService } from './list-open-connections.service';
import { QueryConnectionHistoryService } from './query-connection-history.service';

@Module({
  imports: [ClustersModule],
  providers: [ConnectionHistoryRecorder, ListOpenConnectionsService, QueryConnectionHistoryService],
  exports: [ConnectionHistoryRecorder, ListOpenConnectionsService, QueryConnectionHistoryService],
})
export class ConnectionHistoryModule {}
