import type { PolicyVersionDetail, PolicyVersionSummary } from '@palisade/policy-versions';
import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { JsonScalar } from '../common/json.scalar';
import { QUERY_COST } from '../graphql/query-cost.util';

export enum VersionOrigin {
  IMPORT = 'IMPORT',
  PROPOSAL = 'PROPOSAL',
}
registerEnumType(VersionOrigin, { name: 'VersionOrigin', description: 'How a version came to be' });

@ObjectType('VersionAuthor')
export class VersionAuthorModel {
  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  id!: string | null;

  @ApiProperty()
  @Field()
  name!: string;
}

@ObjectType('PolicyVersionSummary')
export class PolicyVersionSummaryModel {
  @ApiProperty()
  @Field(() => Int)
  number!: number;

  @ApiProperty({ nullable: true, type: Number })
  @Field(() => Int, { nullable: true })
  parentNumber!: number | null;

  @ApiProperty({ description: 'sha256 over the canonical form of the policy set' })
  @Field()
  contentHash!: string;

  @ApiProperty({ type: VersionAuthorModel })
  @Field(() => VersionAuthorModel)
  author!: VersionAuthorModel;

  @ApiProperty({ enum: VersionOrigin })
  @Field(() => VersionOrigin)
  origin!: VersionOrigin;

  @ApiProperty({ nullable: true, type: String, description: 'The merged proposal this version came from; null for an import' })
  @Field(() => String, { nullable: true })
  sourceProposalId!: string | null;

  @ApiProperty()
  @Field(() => Int)
  policyCount!: number;

  /** Set by the GraphQL resolvers for the version's relations (policies); not a field of either transport. */
  clusterName?: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

@ObjectType('PolicyVersion')
export class PolicyVersionModel extends PolicyVersionSummaryModel {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'NetworkPolicy manifests, by namespace then name' })
  @Field(() => [JsonScalar], { complexity: QUERY_COST.policies })
  policies!: unknown[];
}

@ObjectType('PolicyVersionPage')
export class PolicyVersionPageModel {
  @ApiProperty({ type: [PolicyVersionSummaryModel] })
  @Field(() => [PolicyVersionSummaryModel])
  items!: PolicyVersionSummaryModel[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}

export function toPolicyVersionSummaryModel(view: PolicyVersionSummary): PolicyVersionSummaryModel {
  return { ...view, origin: view.origin as VersionOrigin };
}

export function toPolicyVersionModel(view: PolicyVersionDetail): PolicyVersionModel {
  return { ...view, origin: view.origin as VersionOrigin };
}
