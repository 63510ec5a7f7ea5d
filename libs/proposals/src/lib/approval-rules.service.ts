import { AuditRecorder } from '@palisade/audit';
import { type ApprovalRuleRecord, ApprovalRuleRepository, PrismaService } from '@palisade/persistence';
import { assertRole, type Caller, CommonErrorCode, DomainException } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { ApprovalStatusRefresher } from './approval-status-refresher.service';
import { ProposalsErrorCode, ProposalsException } from './proposals.exception';
import type { PutApprovalRuleCommand } from './put-approval-rule.command';

const summary = (rule: ApprovalRuleRecord): Record<string, unknown> => ({
  matchLabels: rule.matchLabels,
  minApprovals: rule.minApprovals,
  requiredGroups: rule.requiredGroups,
  when: rule.when,
  allowBotApprovals: rule.allowBotApprovals,
  description: rule.description,
});

@Injectable()
export class ApprovalRulesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly rules: ApprovalRuleRepository,
    private readonly refresher: ApprovalStatusRefresher,
    private readonly audit: AuditRecorder,
  ) {}

  /**
   * Unscoped admins only: a rule matches clusters by label, possibly beyond a scoped admin's reach. The change commits
   * at once; open proposals' stored statuses follow through ApprovalStatusRefresher (reads and merges evaluate anew).
   */
  async put(command: PutApprovalRuleCommand): Promise<ApprovalRuleRecord> {
    this.assertRuleAdmin(command.caller);
    const saved = await this.prisma.$transaction(async (tx) => {
      const { name, description, matchLabels, minApprovals, requiredGroups, when, allowBotApprovals } = command;
      const { rule, previous } = await this.rules.put({ name, description, matchLabels, minApprovals, requiredGroups, when, allowBotApprovals }, tx);
      await this.audit.record(tx, {
        actor: command.caller.principal.actor,
        action: previous ? 'approval_rule.updated' : 'approval_rule.created',
        subjectType: 'approval_rule',
        subjectId: rule.name,
        before: previous ? summary(previous) : null,
        after: summary(rule),
        request: command.caller.request,
      });
      return rule;
    });
    void this.refresher.request();
    return saved;
  }

  async delete(name: string, caller: Caller): Promise<ApprovalRuleRecord> {
    this.assertRuleAdmin(caller);
    const removed = await this.prisma.$transaction(async (tx) => {
      const deleted = await this.rules.delete(name, tx);
      if (!deleted) throw new ProposalsException(ProposalsErrorCode.APPROVAL_RULE_NOT_FOUND, `approval rule "${name}" not found`);
      await this.audit.record(tx, {
        actor: caller.principal.actor,
        action: 'approval_rule.deleted',
        subjectType: 'approval_rule',
        subjectId: name,
        before: summary(deleted),
        request: caller.request,
      });
      return deleted;
    });
    void this.refresher.request();
    return removed;
  }

  /** Rules are readable by every principal: they name labels, not clusters. */
  list(_caller: Caller): Promise<ApprovalRuleRecord[]> {
    return this.rules.list();
  }

  async get(name: string, _caller: Caller): Promise<ApprovalRuleRecord> {
    const rule = await this.rules.findByName(name);
    if (!rule) throw new ProposalsException(ProposalsErrorCode.APPROVAL_RULE_NOT_FOUND, `approval rule "${name}" not found`);
    return rule;
  }

  private assertRuleAdmin(caller: Caller): void {
    assertRole(caller, ['admin']);
    if (caller.principal.clusters !== null) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'approval rules can only be changed by an admin whose scope is every cluster');
    }
  }
}
