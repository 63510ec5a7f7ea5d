import { type Caller, validateCommand } from '@palisade/shared-types';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export type ReviewVerdict = 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';

export class SubmitReviewCommand {
  @IsIn(['APPROVE', 'REQUEST_CHANGES', 'COMMENT'], { message: 'verdict must be APPROVE, REQUEST_CHANGES or COMMENT' })
  readonly verdict: ReviewVerdict;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  readonly comment: string | null;

  private constructor(
    input: { verdict: ReviewVerdict; comment?: string | null },
    readonly caller: Caller,
    readonly proposalId: string,
  ) {
    this.verdict = input.verdict;
    this.comment = input.comment ?? null;
    validateCommand(this);
  }

  static from(input: { caller: Caller; proposalId: string; verdict: ReviewVerdict; comment?: string | null }): SubmitReviewCommand {
    return new SubmitReviewCommand(input, input.caller, input.proposalId);
  }
}
