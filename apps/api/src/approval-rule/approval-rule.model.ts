import type { ApprovalRuleRecord } from '@palisade/persistence';
import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString } from 'class-validator';

import { JsonScalar } from '../common/json.scalar';

const SEVERITIES = ['info', 'low', 'medium', 'high'];
const WHEN_DESCRIPTION =
  'The rule applies only when the proposal\'s analysis matches every condition given (and its labels match the cluster); ' +
  'null: on cluster labels alone. A rule with `when` never applies before the analysis is READY.';

@ObjectType('ApprovalRuleCondition')
export class ApprovalRuleConditionModel {
  @ApiPropertyOptional({ type: [String], example: ['EGRESS_TO_INTERNET_OPENED'], description: 'Some finding of the analysis has one of these codes' })
  @Field(() => [String], { nullable: true })
  findings?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES, example: 'high', description: 'Some finding of the analysis is at least this severe' })
  @Field(() => String, { nullable: true })
  minSeverity?: string;

  @ApiPropertyOptional({ example: false, description: 'true: the change opens or closes at least one flow; false: it opens and closes none. Never matches without an inventory.' })
  @Field(() => Boolean, { nullable: true })
  connectivityChange?: boolean;
}

@InputType()
export class ApprovalRuleConditionInput {
  @ApiPropertyOptional({ type: [String], example: ['EGRESS_TO_INTERNET_OPENED'], description: 'Finding codes of the engine (FindingCode)' })
  @Field(() => [String], { nullable: true })
  findings?: string[] | null;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @Field(() => String, { nullable: true })
  minSeverity?: string | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, example: false, description: 'true: the change opens or closes at least one flow; false: it opens and closes none' })
  @Field(() => Boolean, { nullable: true })
  connectivityChange?: boolean | null;
}

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

  @ApiProperty({ example: 2, description: '0 only on a rule with when.connectivityChange: false; such proposals are approved by the rule' })
  @Field(() => Int)
  minApprovals!: number;

  @ApiProperty({ type: [String], example: ['security'], description: 'Each needs an approval from a member' })
  @Field(() => [String])
  requiredGroups!: string[];

  @ApiProperty({ type: ApprovalRuleConditionModel, nullable: true, description: WHEN_DESCRIPTION })
  @Field(() => ApprovalRuleConditionModel, { nullable: true })
  when!: ApprovalRuleConditionModel | null;

  @ApiProperty({ example: false, description: "Whether bots' approvals count while the rule applies (every applying rule must allow them)" })
  @Field()
  allowBotApprovals!: boolean;

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
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Production changes need the security team' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' } })
  @Field(() => JsonScalar, { nullable: true })
  @IsOptional()
  @IsObject()
  matchLabels?: Record<string, string> | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, default: 1, minimum: 0, maximum: 20, example: 2, description: '0 only together with when.connectivityChange: false' })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  minApprovals?: number | null;

  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  requiredGroups?: string[] | null;

  @ApiPropertyOptional({ type: ApprovalRuleConditionInput, nullable: true, description: `${WHEN_DESCRIPTION} At least one condition.` })
  @Field(() => ApprovalRuleConditionInput, { nullable: true })
  @IsOptional()
  @IsObject()
  when?: ApprovalRuleConditionInput | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, default: false })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  allowBotApprovals?: boolean | null;
}

export function toApprovalRuleModel(rule: ApprovalRuleRecord): ApprovalRuleModel {
  return {
    name: rule.name,
    description: rule.description,
    matchLabels: rule.matchLabels,
    minApprovals: rule.minApprovals,
    requiredGroups: rule.requiredGroups,
    when: rule.when,
    allowBotApprovals: rule.allowBotApprovals,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}
