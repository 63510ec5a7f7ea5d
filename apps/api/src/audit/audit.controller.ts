import { AuditCheckpointService, AuditExportService, AuditQueryCommand, AuditService, AuditVerifyService } from '@palisade/audit';
import type { Caller } from '@palisade/shared-types';
import { Readable } from 'node:stream';

import { Controller, DefaultValuePipe, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import {
  AuditCheckpointPageModel,
  AuditCheckpointWriteModel,
  AuditEventPageModel,
  AuditPublicKeyModel,
  AuditVerificationModel,
  toAuditCheckpointModel,
  toAuditEventModel,
  toAuditVerificationModel,
} from './audit-event.model';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly checkpoints: AuditCheckpointService,
    private readonly exporter: AuditExportService,
    private readonly verifier: AuditVerifyService,
  ) {}

  @Get()
  @ApiOkResponse({ type: AuditEventPageModel, description: 'Newest first (auditors, admins)' })
  @ApiQuery({ name: 'cluster', required: false })
  @ApiQuery({ name: 'actor', required: false, description: 'Principal name or id' })
  @ApiQuery({ name: 'action', required: false, example: 'proposal.merged' })
  @ApiQuery({ name: 'subject', required: false, description: 'Subject id (proposal, version, token...)' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiOperation({ summary: 'Query the audit log' })
  @ApiProblemResponses(400)
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
  @ApiOkResponse({
    type: AuditVerificationModel,
    description: "Recomputes the hash chain, checks it against the signed checkpoints and reports the first broken link; a scoped caller hears of its clusters' events only",
  })
  @ApiOperation({ summary: "Verify the audit log's hash chain" })
  async verify(@CurrentCaller() caller: Caller): Promise<AuditVerificationModel> {
    return toAuditVerificationModel(await this.verifier.execute(caller));
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Signed checkpoints of the audit chain, with the public key that verifies them' })
  @ApiOkResponse({ type: AuditCheckpointPageModel, description: 'Oldest first (auditors and admins of every cluster)' })
  @ApiProblemResponses(400, 409)
  @ApiQuery({ name: 'after', required: false, description: 'Checkpoint number to continue after (nextCursor)' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  async listCheckpoints(
    @Query('limit', new DefaultValuePipe(100), new PositiveIntPipe('limit', 1000)) limit: number,
    @CurrentCaller() caller: Caller,
    @Query('after') after?: string,
  ): Promise<AuditCheckpointPageModel> {
    const page = await this.checkpoints.list(caller, after === undefined ? 0 : new PositiveIntPipe('after').transform(after), limit);
    return { ...page, items: page.items.map(toAuditCheckpointModel) };
  }

  @Post('checkpoints')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign a checkpoint of the current head now (admins of every cluster), e.g. before an export' })
  @ApiOkResponse({ type: AuditCheckpointWriteModel })
  @ApiProblemResponses(409)
  async writeCheckpoint(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response): Promise<AuditCheckpointWriteModel> {
    const { checkpoint, created } = await this.checkpoints.checkpointNow(caller);
    if (created) response.status(201);
    return { created, checkpoint: checkpoint && toAuditCheckpointModel(checkpoint) };
  }

  @Get('public-key')
  @ApiOperation({ summary: 'The Ed25519 public key that verifies audit checkpoints' })
  @ApiOkResponse({ type: AuditPublicKeyModel })
  @ApiProblemResponses(409)
  publicKey(@CurrentCaller() caller: Caller): AuditPublicKeyModel {
    return this.checkpoints.publicKey(caller);
  }

  @Get('export')
  @ApiOperation({ summary: 'The audit trail as JSON Lines, streamed: a header, the signed checkpoints, then every event (README, "Audit trail")' })
  @ApiOkResponse({ description: "JSON Lines; a scoped caller gets its clusters' events only, without checkpoints or head", content: { 'application/jsonl': {} } })
  export(@CurrentCaller() caller: Caller): StreamableFile {
    return new StreamableFile(Readable.from(this.exporter.execute(caller)), { type: 'application/jsonl; charset=utf-8', disposition: 'attachment; filename="palisade-audit.jsonl"' });
  }
}
