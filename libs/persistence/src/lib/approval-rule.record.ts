export interface ApprovalRuleRecord {
  id: string;
  name: string;
  description: string | null;
  /** Labels a cluster must all carry for the rule to apply; empty: every cluster. */
  matchLabels: Record<string, string>;
  minApprovals: number;
  requiredGroups: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type ApprovalRuleInput = Pick<ApprovalRuleRecord, 'name' | 'description' | 'matchLabels' | 'minApprovals' | 'requiredGroups'>;
