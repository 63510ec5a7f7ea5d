import { type Caller, validateCommand } from '@palisade/shared-types';
import { IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';

import type { ProposalContent } from './proposal-changes.util';
import { type ProposalContentInput, parseProposalContent } from './proposal-content.util';

export interface UpdateProposalInput {
  caller: Caller;
  id: string;
  title?: string | null;
  description?: string | null;
  baseVersion?: number | null;
  content?: ProposalContentInput | null;
}

/** The author's edit: new changes (dismissing earlier approvals), a new base, or a new title. */
export class UpdateProposalCommand {
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(200)
  readonly title: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  readonly description: string | null;

  @IsOptional()
  @IsInt({ message: 'baseVersion must be a version number' })
  @Min(1, { message: 'baseVersion must be a version number' })
  readonly baseVersion: number | null;

  readonly content: ProposalContent | null;

  private constructor(
    input: UpdateProposalInput,
    readonly caller: Caller,
    readonly id: string,
  ) {
    this.title = input.title ?? null;
    this.description = input.description ?? null;
    this.baseVersion = input.baseVersion ?? null;
    validateCommand(this);
    this.content = input.content ? parseProposalContent(input.content) : null;
  }

  static from(input: UpdateProposalInput): UpdateProposalCommand {
    return new UpdateProposalCommand(input, input.caller, input.id);
  }
}
