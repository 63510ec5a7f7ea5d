import { Injectable } from '@nestjs/common';

import { type ApprovalRule, Prisma } from '../generated/prisma/client';
import type { ApprovalRuleConditionRecord, ApprovalRuleInput, ApprovalRuleRecord } from './approval-rule.record';
import { PrismaService, type TransactionClient } from './prisma.service';

export function toApprovalRule(row: ApprovalRule): ApprovalRuleRecord {
  const selector = (row.clusterSelector ?? {}) as { matchLabels?: Record<string, string> };
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    matchLabels: selector.matchLabels ?? {},
    minApprovals: row.minApprovals,
    requiredGroups: row.requiredGroups,
    when: (row.when ?? null) as ApprovalRuleConditionRecord | null,
    allowBotApprovals: row.allowBotApprovals,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Injectable()
export class ApprovalRuleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates or replaces the rule named `rule.name`; returns it and what it replaced. */
  async put(rule: ApprovalRuleInput, tx: TransactionClient): Promise<{ rule: ApprovalRuleRecord; previous: ApprovalRuleRecord | null }> {
    const previous = await tx.approvalRule.findUnique({ where: { name: rule.name } });
    const data = {
      description: rule.description,
      clusterSelector: { matchLabels: rule.matchLabels },
      minApprovals: rule.minApprovals,
      requiredGroups: rule.requiredGroups,
      when: rule.when === null ? Prisma.DbNull : { ...rule.when },
      allowBotApprovals: rule.allowBotApprovals,
    };
    const row = await tx.approvalRule.upsert({ where: { name: rule.name }, create: { name: rule.name, ...data }, update: data });
    return { rule: toApprovalRule(row), previous: previous ? toApprovalRule(previous) : null };
  }

  async delete(name: string, tx: TransactionClient): Promise<ApprovalRuleRecord | null> {
    const row = await tx.approvalRule.findUnique({ where: { name } });
    if (!row) return null;
    await tx.approvalRule.delete({ where: { name } });
    return toApprovalRule(row);
  }

  async findByName(name: string): Promise<ApprovalRuleRecord | null> {
    const row = await this.prisma.approvalRule.findUnique({ where: { name } });
    return row ? toApprovalRule(row) : null;
  }

  /** By name. */
  async list(tx: TransactionClient = this.prisma): Promise<ApprovalRuleRecord[]> {
    const rows = await tx.approvalRule.findMany({ orderBy: { name: 'asc' } });
    return rows.map(toApprovalRule);
  }
}
