import { IsLabelMap } from '@palisade/clusters';
import { type Caller, DNS1123_LABEL, DNS1123_LABEL_MESSAGE, validateCommand } from '@palisade/shared-types';
import { ArrayUnique, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { IsAllowedMinApprovals, IsApprovalRuleCondition, normalizeApprovalRuleCondition } from './approval-rule-condition.validator';
import type { ApprovalRuleCondition } from './evaluate-approvals.util';

export interface PutApprovalRuleInput {
  caller: Caller;
  name: string;
  description?: string | null;
  matchLabels?: Record<string, string> | null;
  minApprovals?: number | null;
  requiredGroups?: string[] | null;
  /** Checked by the command: absent or null conditions are left out. */
  when?: { findings?: string[] | null; minSeverity?: string | null; connectivityChange?: boolean | null } | null;
  allowBotApprovals?: boolean | null;
}

export class PutApprovalRuleCommand {
  @IsString()
  @Matches(DNS1123_LABEL, { message: `name ${DNS1123_LABEL_MESSAGE}` })
  readonly name: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly description: string | null;

  /** Labels the cluster must carry; `{}` matches every cluster. */
  @IsLabelMap()
  readonly matchLabels: Record<string, string>;

  @IsInt({ message: 'minApprovals must be an integer between 0 and 20' })
  @Min(0, { message: 'minApprovals must be an integer between 0 and 20' })
  @Max(20, { message: 'minApprovals must be an integer between 0 and 20' })
  @IsAllowedMinApprovals()
  readonly minApprovals: number;

  /** Each group needs at least one approval from a reviewer in it. */
  @IsArray()
  @ArrayUnique()
  @Matches(DNS1123_LABEL, { each: true, message: `each required group ${DNS1123_LABEL_MESSAGE}` })
  readonly requiredGroups: string[];

  /** Conditions on the proposal's analysis, every one given must match; null: the labels alone decide. */
  @IsApprovalRuleCondition()
  readonly when: ApprovalRuleCondition | null;

  /** Whether bots' approvals count while this rule applies. */
  @IsBoolean({ message: 'allowBotApprovals must be true or false' })
  readonly allowBotApprovals: boolean;

  private constructor(
    input: PutApprovalRuleInput,
    readonly caller: Caller,
  ) {
    this.name = input.name;
    this.description = input.description ?? null;
    this.matchLabels = input.matchLabels ?? {};
    this.minApprovals = input.minApprovals ?? 1;
    this.requiredGroups = input.requiredGroups ?? [];
    this.when = (input.when ?? null) as ApprovalRuleCondition | null; // validated just below, then normalised
    this.allowBotApprovals = input.allowBotApprovals ?? false;
    validateCommand(this);
    this.when = normalizeApprovalRuleCondition(this.when);
  }

  static from(input: PutApprovalRuleInput): PutApprovalRuleCommand {
    return new PutApprovalRuleCommand(input, input.caller);
  }
}
