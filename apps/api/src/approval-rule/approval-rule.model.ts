import type { ApprovalRuleRecord } from '@palisade/persistence';
import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsInt, IsObject, IsOptional, IsString } from 'class-validator';

import { JsonScalar } from '../common/json.scalar';

@ObjectType('ApprovalRule')
export class ApprovalRuleModel {
  @ApiProperty({ example: 'prod' })
  @Field()
  name!: string;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  description!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' }, description: 'Cluster labels the rule applies to; {} for every cluster' })
  @Field(() => JsonScalar)
  matchLabels!: Record<string, string>;

  @ApiProperty({ example: 2 })
  @Field(() => Int)
  minApprovals!: number;

  @ApiProperty({ type: [String], example: ['security'], description: 'Each needs an approval from a member' })
  @Field(() => [String])
  requiredGroups!: string[];

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

export class ApprovalRuleListModel {
  @ApiProperty({ type: [ApprovalRuleModel] })
  items!: ApprovalRuleModel[];
}

@InputType()
export class PutApprovalRuleInput {
  @ApiPropertyOptional()
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' } })
  @Field(() => JsonScalar, { nullable: true })
  @IsOptional()
  @IsObject()
  matchLabels?: Record<string, string> | null;

  @ApiPropertyOptional({ default: 1 })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  minApprovals?: number | null;

  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  requiredGroups?: string[] | null;
}

export function toApprovalRuleModel(rule: ApprovalRuleRecord): ApprovalRuleModel {
  return {
    name: rule.name,
    description: rule.description,
    matchLabels: rule.matchLabels,
    minApprovals: rule.minApprovals,
    requiredGroups: rule.requiredGroups,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}
