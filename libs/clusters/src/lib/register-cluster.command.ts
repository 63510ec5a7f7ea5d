import { DNS1123_LABEL_MESSAGE, validateCommand } from '@palisade/shared-types';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { IsLabelMap } from './is-label-map.validator';

export class RegisterClusterCommand {
  @IsString()
  @MaxLength(63, { message: `name ${DNS1123_LABEL_MESSAGE}` })
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: `name ${DNS1123_LABEL_MESSAGE}` })
  readonly name: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly displayName?: string;

  @IsLabelMap()
  readonly labels: Record<string, string>;

  private constructor(input: { name: string; displayName?: string; labels?: Record<string, string> }) {
    this.name = input.name;
    this.displayName = input.displayName;
    this.labels = input.labels ?? {};
    validateCommand(this);
  }

  static from(input: { name: string; displayName?: string; labels?: Record<string, string> }): RegisterClusterCommand {
    return new RegisterClusterCommand(input);
  }
}
