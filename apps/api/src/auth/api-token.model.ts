import type { ApiTokenView, CreatedApiTokenView } from '@palisade/auth';
import type { Principal } from '@palisade/shared-types';
import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { ActorModel } from '../common/actor.model';
import { PrincipalKind, RoleName } from '../common/graphql-enums';

@ObjectType('TokenPrincipal')
export class TokenPrincipalModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ enum: ['human', 'bot'] })
  @Field(() => PrincipalKind)
  kind!: string;
}

@ObjectType('ApiToken')
export class ApiTokenModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty({ type: TokenPrincipalModel })
  @Field(() => TokenPrincipalModel)
  principal!: TokenPrincipalModel;

  @ApiProperty({ example: 'pal_Ab3dE9', description: 'The first characters of the secret' })
  @Field()
  prefix!: string;

  @ApiProperty({ type: [String], example: ['proposer'] })
  @Field(() => [RoleName])
  roles!: string[];

  @ApiProperty({ type: [String], nullable: true, description: 'Clusters in scope; null for every cluster' })
  @Field(() => [String], { nullable: true })
  clusters!: string[] | null;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  groups!: string[];

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

@ObjectType('CreatedApiToken')
export class CreatedApiTokenModel extends ApiTokenModel {
  @ApiProperty({ description: 'The bearer token. Shown once: only its hash is stored.' })
  @Field()
  secret!: string;
}

export class ApiTokenListModel {
  @ApiProperty({ type: [ApiTokenModel] })
  items!: ApiTokenModel[];
}

@ObjectType('Principal', { description: 'The authenticated caller' })
export class PrincipalModel {
  @ApiProperty({ type: ActorModel })
  @Field(() => ActorModel)
  actor!: ActorModel;

  @ApiProperty({ type: [String] })
  @Field(() => [RoleName])
  roles!: string[];

  @ApiProperty({ type: [String], nullable: true })
  @Field(() => [String], { nullable: true })
  clusters!: string[] | null;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  groups!: string[];
}

export const toApiTokenModel = (view: ApiTokenView): ApiTokenModel => ({ ...view });
export const toCreatedApiTokenModel = (view: CreatedApiTokenView): CreatedApiTokenModel => ({ ...view });
export const toPrincipalModel = (principal: Principal): PrincipalModel => ({
  actor: { ...principal.actor },
  roles: [...principal.roles],
  clusters: principal.clusters === null ? null : [...principal.clusters],
  groups: [...principal.groups],
});
