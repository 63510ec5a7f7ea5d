import { AuditRecorder } from '@palisade/audit';
import { type ApprovalRuleRecord, ApprovalRuleRepository, PrismaService, ProposalRepository, type TransactionClient } from '@palisade/persistence';
import { assertRole, type Caller, CommonErrorCode, DomainException } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { ApprovalEvaluator } from './approval-evaluator.service';
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
    private readonly proposals: ProposalRepository,
    private readonly evaluator: ApprovalEvaluator,
    private readonly audit: AuditRecorder,
  ) {}

  /** Unscoped admins only: a rule matches clusters by label, possibly beyond a scoped admin's reach. */
  async put(command: PutApprovalRuleCommand): Promise<ApprovalRuleRecord> {
    this.assertRuleAdmin(command.caller);
    return this.prisma.$transaction(async (tx) => {
      const { name, description, matchLabels, minApprovals, requiredGroups, when, allowBotApprovals } = command;
      const { rule, previous } = await this.rules.put({ name, description, matchLabels, minApprovals, requiredGroups, when, allowBotApprovals }, tx);
      await this.reevaluateOpenProposals(tx);
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
  }

  async delete(name: string, caller: Caller): Promise<ApprovalRuleRecord> {
    this.assertRuleAdmin(caller);
    return this.prisma.$transaction(async (tx) => {
      const deleted = await this.rules.delete(name, tx);
      if (!deleted) throw new ProposalsException(ProposalsErrorCode.APPROVAL_RULE_NOT_FOUND, `approval rule "${name}" not found`);
      await this.reevaluateOpenProposals(tx);
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

  /** Statuses are derived from the rules, so a rule change re-derives every open proposal's. */
  private async reevaluateOpenProposals(tx: TransactionClient): Promise<void> {
    for (const proposal of await this.proposals.listActive(tx)) await this.evaluator.refresh(proposal, tx);
  }
}
