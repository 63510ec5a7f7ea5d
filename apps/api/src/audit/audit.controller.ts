import { AuditQueryCommand, AuditService } from '@palisade/audit';
import type { Caller } from '@palisade/shared-types';
import { Controller, DefaultValuePipe, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { AuditEventPageModel, AuditVerificationModel, toAuditEventModel, toAuditVerificationModel } from './audit-event.model';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Query the audit log' })
  @ApiProblemResponses(400)
  @ApiOkResponse({ type: AuditEventPageModel, description: 'Newest first (auditors, admins)' })
  @ApiQuery({ name: 'cluster', required: false })
  @ApiQuery({ name: 'actor', required: false, description: 'Principal name or id' })
  @ApiQuery({ name: 'action', required: false, example: 'proposal.merged' })
  @ApiQuery({ name: 'subject', required: false, description: 'Subject id (proposal, version, token...)' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  async query(
    @Query('limit', new DefaultValuePipe(50), new PositiveIntPipe('limit', 500)) limit: number,
    @CurrentCaller() caller: Caller,
    @Query('cluster') cluster?: string,
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('subject') subject?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('cursor') cursor?: string,
  ): Promise<AuditEventPageModel> {
    const page = await this.audit.query(AuditQueryCommand.from({ cluster, actor, action, subject, from, to, cursor, limit, caller }));
    return { items: page.items.map(toAuditEventModel), nextCursor: page.nextCursor };
  }

  @Get('verify')
  @ApiOperation({ summary: "Verify the audit log's hash chain" })
  @ApiOkResponse({ type: AuditVerificationModel, description: 'Recomputes the hash chain and reports the first broken link' })
  async verify(@CurrentCaller() caller: Caller): Promise<AuditVerificationModel> {
    return toAuditVerificationModel(await this.audit.verify(caller));
  }
}
