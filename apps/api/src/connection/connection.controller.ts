import { ConnectionHistoryQueryCommand, ConnectionHistoryStatusService, ListOpenConnectionsService, OpenConnectionsQueryCommand, QueryConnectionHistoryService } from '@palisade/connection-history';
import type { Caller } from '@palisade/shared-types';
import { Controller, DefaultValuePipe, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { ENDPOINT_FILTER_DESCRIPTION } from './connection-filter.constant';
import { ConnectionChangePageModel, ConnectionHistoryStatusListModel, OpenConnectionPageModel } from './connection.model';

@ApiTags('connections')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1/connections')
export class ConnectionController {
  constructor(
    private readonly history: QueryConnectionHistoryService,
    private readonly open: ListOpenConnectionsService,
    private readonly status: ConnectionHistoryStatusService,
  ) {}

  @Get('history')
  @ApiOkResponse({ type: ConnectionChangePageModel, description: 'Connectivity changes, newest first (auditors, admins; within the scope)' })
  @ApiQuery({ name: 'cluster', required: false, description: 'Cluster name; every cluster of the scope when omitted' })
  @ApiQuery({ name: 'from', required: false, description: `Source: ${ENDPOINT_FILTER_DESCRIPTION}` })
  @ApiQuery({ name: 'to', required: false, description: `Destination: ${ENDPOINT_FILTER_DESCRIPTION}` })
  @ApiQuery({ name: 'port', required: false, description: 'Matches port ranges that contain it (1-65535)' })
  @ApiQuery({ name: 'protocol', required: false, enum: ['TCP', 'UDP', 'SCTP'] })
  @ApiQuery({ name: 'change', required: false, enum: ['opened', 'closed'] })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiOperation({ summary: 'Query the history of connectivity changes' })
  @ApiProblemResponses(400, 404)
  async queryHistory(
    @Query('limit', new DefaultValuePipe(50), new PositiveIntPipe('limit', 500)) limit: number,
    @CurrentCaller() caller: Caller,
    @Query('cluster') cluster?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('port') port?: string,
    @Query('protocol') protocol?: string,
    @Query('change') change?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('cursor') cursor?: string,
  ): Promise<ConnectionChangePageModel> {
    return this.history.execute(ConnectionHistoryQueryCommand.from({ cluster, from, to, port, protocol, change, since, until, cursor, limit, caller }));
  }

  @Get('open')
  @ApiOkResponse({ type: OpenConnectionPageModel, description: 'Flows open at the head right now, each with the change that opened it; newest opener first (auditors, admins)' })
  @ApiQuery({ name: 'cluster', required: false, description: 'Cluster name; every cluster of the scope when omitted' })
  @ApiQuery({ name: 'from', required: false, description: `Source: ${ENDPOINT_FILTER_DESCRIPTION}` })
  @ApiQuery({ name: 'to', required: false, description: `Destination: ${ENDPOINT_FILTER_DESCRIPTION}` })
  @ApiQuery({ name: 'port', required: false, description: 'Matches port ranges that contain it (1-65535)' })
  @ApiQuery({ name: 'protocol', required: false, enum: ['TCP', 'UDP', 'SCTP'] })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiOperation({ summary: 'List the flows open at the head' })
  @ApiProblemResponses(400, 404)
  async listOpen(
    @Query('limit', new DefaultValuePipe(50), new PositiveIntPipe('limit', 500)) limit: number,
    @CurrentCaller() caller: Caller,
    @Query('cluster') cluster?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('port') port?: string,
    @Query('protocol') protocol?: string,
    @Query('cursor') cursor?: string,
  ): Promise<OpenConnectionPageModel> {
    return this.open.execute(OpenConnectionsQueryCommand.from({ cluster, from, to, port, protocol, cursor, limit, caller }));
  }

  @Get('status')
  @ApiOkResponse({ type: ConnectionHistoryStatusListModel, description: 'How current each cluster\'s connection history is, by cluster name (auditors, admins; within the scope)' })
  @ApiQuery({ name: 'cluster', required: false, description: 'Cluster name; every cluster of the scope when omitted' })
  @ApiOperation({ summary: 'Whether the connection history answers for the head and the newest inventory' })
  @ApiProblemResponses(404)
  async historyStatus(@CurrentCaller() caller: Caller, @Query('cluster') cluster?: string): Promise<ConnectionHistoryStatusListModel> {
    return { items: await this.status.execute(caller, cluster) };
  }
}
