import { type Caller, DNS1123_LABEL, DNS1123_LABEL_MESSAGE, type Role, ROLES, validateCommand } from '@palisade/shared-types';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDate, IsIn, IsOptional, IsString, Matches, MaxLength, MinDate } from 'class-validator';

import { PRINCIPAL_NAME, PRINCIPAL_NAME_MAX_LENGTH, PRINCIPAL_NAME_MESSAGE } from './principal-name.constant';

export interface CreateApiTokenInput {
  name: string;
  kind: 'human' | 'bot';
  roles: Role[];
  clusters?: string[] | null;
  groups?: string[] | null;
  expiresAt?: Date | string | null;
}

export class CreateApiTokenCommand {
  /** The principal's name; a new name creates the principal, an existing one gets another token. */
  @IsString()
  @MaxLength(PRINCIPAL_NAME_MAX_LENGTH)
  @Matches(PRINCIPAL_NAME, { message: PRINCIPAL_NAME_MESSAGE })
  readonly name: string;

  @IsIn(['human', 'bot'], { message: 'kind must be human or bot' })
  readonly kind: 'human' | 'bot';

  @IsArray()
  @ArrayMinSize(1, { message: `roles must name at least one of ${ROLES.join(', ')}` })
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  readonly roles: Role[];

  /** null: every cluster. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @Matches(DNS1123_LABEL, { each: true, message: `each cluster ${DNS1123_LABEL_MESSAGE}` })
  readonly clusters: string[] | null;

  @IsArray()
  @ArrayUnique()
  @Matches(DNS1123_LABEL, { each: true, message: `each group ${DNS1123_LABEL_MESSAGE}` })
  readonly groups: string[];

  @IsOptional()
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  @MinDate(() => new Date(), { message: 'expiresAt must be in the future' })
  readonly expiresAt: Date | null;

  private constructor(
    input: CreateApiTokenInput,
    readonly caller: Caller,
  ) {
    this.name = input.name;
    this.kind = input.kind;
    this.roles = input.roles;
    this.clusters = input.clusters ?? null;
    this.groups = input.groups ?? [];
    this.expiresAt = input.expiresAt === undefined || input.expiresAt === null ? null : new Date(input.expiresAt);
    validateCommand(this);
  }

  static from(input: CreateApiTokenInput & { caller: Caller }): CreateApiTokenCommand {
    const { caller, ...rest } = input;
    return new CreateApiTokenCommand(rest, caller);
  }
}
