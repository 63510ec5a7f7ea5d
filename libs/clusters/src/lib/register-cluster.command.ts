import { type Caller, validateCommand } from '@palisade/shared-types';
import { IsOptional, IsString, MaxLength } from 'class-validator';

import { IsDns1123Label, IsLabelMap } from './kubernetes-names.validator';

export interface RegisterClusterInput {
  name: string;
  displayName?: string;
  labels?: Record<string, string>;
}

export class RegisterClusterCommand {
  @IsDns1123Label()
  readonly name: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly displayName?: string;

  @IsLabelMap()
  readonly labels: Record<string, string>;

  private constructor(
    input: RegisterClusterInput,
    readonly caller: Caller,
  ) {
    this.name = input.name;
    this.displayName = input.displayName;
    this.labels = input.labels ?? {};
    validateCommand(this);
  }

  static from(input: RegisterClusterInput & { caller: Caller }): RegisterClusterCommand {
    const { caller, ...rest } = input;
    return new RegisterClusterCommand(rest, caller);
  }
}
