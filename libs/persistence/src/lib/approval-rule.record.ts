/** Stored form of an approval rule's `when`; the proposals feature validates it. */
export interface ApprovalRuleConditionRecord {
  findings?: string[];
  minSeverity?: 'info' | 'low' | 'medium' | 'high';
  connectivityChange?: boolean;
}

export interface ApprovalRuleRecord {
  id: string;
  name: string;
  description: string | null;
  /** Labels a cluster must all carry for the rule to apply; empty: every cluster. */
  matchLabels: Record<string, string>;
  minApprovals: number;
  requiredGroups: string[];
  /** Conditions on the proposal's analysis, every one given must match; null: the labels alone decide. */
  when: ApprovalRuleConditionRecord | null;
  /** Whether bots' approvals count while the rule applies. */
  allowBotApprovals: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type ApprovalRuleInput = Pick<ApprovalRuleRecord, 'name' | 'description' | 'matchLabels' | 'minApprovals' | 'requiredGroups' | 'when' | 'allowBotApprovals'>;
