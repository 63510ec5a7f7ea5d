import { AuditQueryCommand, AuditService, AuditVerifyService } from '@palisade/audit';
import type { Caller } from '@palisade/shared-types';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { pagedCost, QUERY_COST } from '../graphql/query-cost.util';
import { AuditEventModel, AuditEventPageModel, AuditVerificationModel, toAuditEventModel, toAuditVerificationModel } from './audit-event.model';

@Resolver(() => AuditEventModel)
export class AuditResolver {
  constructor(
    private readonly auditService: AuditService,
    private readonly verifyService: AuditVerifyService,
  ) {}

  @Query(() => AuditEventPageModel, { description: 'The audit trail, newest first (auditors, admins); from inclusive, to exclusive', complexity: pagedCost(50) })
  async auditEvents(
    @Args('first', { type: () => Int, defaultValue: 50 }, new PositiveIntPipe('first', 500)) first: number,
    @CurrentCaller() caller: Caller,
    @Args('cluster', { type: () => String, nullable: true }) cluster?: string,
    @Args('actor', { type: () => String, nullable: true, description: 'Principal name or id' }) actor?: string,
    @Args('action', { type: () => String, nullable: true }) action?: string,
    @Args('subject', { type: () => String, nullable: true }) subject?: string,
    @Args('from', { type: () => Date, nullable: true }) from?: Date,
    @Args('to', { type: () => Date, nullable: true }) to?: Date,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<AuditEventPageModel> {
    const page = await this.auditService.query(
      AuditQueryCommand.from({ cluster: cluster ?? undefined, actor: actor ?? undefined, action: action ?? undefined, subject: subject ?? undefined, from: from ?? undefined, to: to ?? undefined, cursor: after ?? undefined, limit: first, caller }),
    );
    return { items: page.items.map(toAuditEventModel), nextCursor: page.nextCursor };
  }

  @Query(() => AuditVerificationModel, { description: 'Recomputes the hash chain and reports the first broken link', complexity: QUERY_COST.verifyAudit })
  async verifyAudit(@CurrentCaller() caller: Caller): Promise<AuditVerificationModel> {
    return toAuditVerificationModel(await this.verifyService.execute(caller));
  }
}
