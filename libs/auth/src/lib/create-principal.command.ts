import { type Caller, validateCommand } from '@palisade/shared-types';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';

import { PRINCIPAL_NAME, PRINCIPAL_NAME_MAX_LENGTH, PRINCIPAL_NAME_MESSAGE } from './principal-name.constant';

export interface CreatePrincipalInput {
  name: string;
  kind: 'human' | 'bot';
}

export class CreatePrincipalCommand {
  @IsString()
  @MaxLength(PRINCIPAL_NAME_MAX_LENGTH)
  @Matches(PRINCIPAL_NAME, { message: PRINCIPAL_NAME_MESSAGE })
  readonly name: string;

  @IsIn(['human', 'bot'], { message: 'kind must be human or bot' })
  readonly kind: 'human' | 'bot';

  private constructor(
    input: CreatePrincipalInput,
    readonly caller: Caller,
  ) {
    this.name = input.name;
    this.kind = input.kind;
    validateCommand(this);
  }

  static from(input: CreatePrincipalInput & { caller: Caller }): CreatePrincipalCommand {
    const { caller, ...rest } = input;
    return new CreatePrincipalCommand(rest, caller);
  }
}
