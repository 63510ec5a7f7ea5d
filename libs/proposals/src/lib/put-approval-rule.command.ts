import { IsLabelMap } from '@palisade/clusters';
import { type Caller, DNS1123_LABEL, DNS1123_LABEL_MESSAGE, validateCommand } from '@palisade/shared-types';
import { ArrayUnique, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export interface PutApprovalRuleInput {
  caller: Caller;
  name: string;
  description?: string | null;
  matchLabels?: Record<string, string> | null;
  minApprovals?: number | null;
  requiredGroups?: string[] | null;
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
  readonly minApprovals: number;

  /** Each group needs at least one approval from a reviewer in it. */
  @IsArray()
  @ArrayUnique()
  @Matches(DNS1123_LABEL, { each: true, message: `each required group ${DNS1123_LABEL_MESSAGE}` })
  readonly requiredGroups: string[];

  private constructor(
    input: PutApprovalRuleInput,
    readonly caller: Caller,
  ) {
    this.name = input.name;
    this.description = input.description ?? null;
    this.matchLabels = input.matchLabels ?? {};
    this.minApprovals = input.minApprovals ?? 1;
    this.requiredGroups = input.requiredGroups ?? [];
    validateCommand(this);
  }

  static from(input: PutApprovalRuleInput): PutApprovalRuleCommand {
    return new PutApprovalRuleCommand(input, input.caller);
  }
}
