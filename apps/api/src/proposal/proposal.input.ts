import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';

import { JsonScalar } from '../common/json.scalar';
import { NETWORK_POLICY_SCHEMA } from '../openapi/network-policy.schema';

@InputType()
export class PolicyRefInput {
  @ApiProperty({ example: 'shop' })
  @Field()
  @IsString()
  namespace!: string;

  @ApiProperty({ example: 'allow-web' })
  @Field()
  @IsString()
  name!: string;
}

@InputType()
export class ProposalChangesInput {
  @ApiPropertyOptional({ type: 'array', items: NETWORK_POLICY_SCHEMA, nullable: true, description: 'NetworkPolicy manifests to add or replace' })
  @Field(() => [JsonScalar], { nullable: true, description: 'NetworkPolicy manifests to add or replace' })
  @IsOptional()
  @IsArray()
  upsert?: unknown[] | null;

  @ApiPropertyOptional({ type: [PolicyRefInput], nullable: true, description: 'NetworkPolicies to remove' })
  @Field(() => [PolicyRefInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PolicyRefInput)
  delete?: PolicyRefInput[] | null;
}

@InputType()
export class ProposalSourceInput {
  @ApiProperty({ example: 'github', description: 'Where the change comes from (git, github, gitlab, cli...)' })
  @Field()
  @IsString()
  kind!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://github.com/acme/policies/pull/42' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  url?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '4f2a9c1e0b7d' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  commit?: string | null;
}

const TITLE = { example: 'Allow web to reach the API', description: '1-200 characters' };
const DESCRIPTION = { type: String, nullable: true, example: 'The web tier calls the orders API on 8080.', description: 'At most 20,000 characters' };
const POLICIES = {
  type: 'array',
  items: NETWORK_POLICY_SCHEMA,
  nullable: true,
  description: 'The complete desired set: every NetworkPolicy the cluster should have (replaces the base)',
} as const;
const YAML = { type: String, nullable: true, description: 'The complete desired set as YAML NetworkPolicy documents (replaces the base)' };

/**
 * POST /clusters/{name}/proposals and createProposal: exactly one of `changes`, `policies` (a complete
 * desired set) or `yaml` (the same, as YAML). A YAML request body fills `yaml`, the rest from the query.
 */
@InputType()
export class CreateProposalInput {
  @ApiProperty(TITLE)
  @Field()
  @IsString()
  title!: string;

  @ApiPropertyOptional(DESCRIPTION)
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, example: 3, description: 'Required with changes; a desired set defaults to the head' })
  @Field(() => Int, { nullable: true, description: 'Required with changes; a desired set defaults to the head' })
  @IsOptional()
  @IsInt()
  baseVersion?: number | null;

  @ApiPropertyOptional({ type: ProposalChangesInput, nullable: true, description: 'Policies to add, replace or delete on top of baseVersion' })
  @Field(() => ProposalChangesInput, { nullable: true })
  @IsOptional()
  @IsObject()
  changes?: ProposalChangesInput | null;

  @ApiPropertyOptional(POLICIES)
  @Field(() => [JsonScalar], { nullable: true })
  @IsOptional()
  @IsArray()
  policies?: unknown[] | null;

  @ApiPropertyOptional(YAML)
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  yaml?: string | null;

  @ApiPropertyOptional({ type: ProposalSourceInput, nullable: true, description: 'Where the change comes from; GET .../proposals?sourceUrl= finds it' })
  @Field(() => ProposalSourceInput, { nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProposalSourceInput)
  source?: ProposalSourceInput | null;
}

/** PATCH /proposals/{id} and updateProposal: every field optional; new content dismisses approvals. */
@InputType()
export class UpdateProposalInput {
  @ApiPropertyOptional({ ...TITLE, type: String, nullable: true })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  title?: string | null;

  @ApiPropertyOptional(DESCRIPTION)
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, example: 4, description: 'Rebases the proposal' })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  baseVersion?: number | null;

  @ApiPropertyOptional({ type: ProposalChangesInput, nullable: true })
  @Field(() => ProposalChangesInput, { nullable: true })
  @IsOptional()
  @IsObject()
  changes?: ProposalChangesInput | null;

  @ApiPropertyOptional(POLICIES)
  @Field(() => [JsonScalar], { nullable: true })
  @IsOptional()
  @IsArray()
  policies?: unknown[] | null;

  @ApiPropertyOptional(YAML)
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  yaml?: string | null;
}

@InputType()
export class ReviewInput {
  @ApiProperty({ enum: ['APPROVE', 'REQUEST_CHANGES', 'COMMENT'] })
  @Field()
  @IsIn(['APPROVE', 'REQUEST_CHANGES', 'COMMENT'], { message: 'verdict must be APPROVE, REQUEST_CHANGES or COMMENT' })
  verdict!: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Looks right: only web reaches the API.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  comment?: string | null;
}

@InputType()
export class RejectInput {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Looks right: only web reaches the API.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  comment?: string | null;
}

@InputType()
export class RevertInput {
  @ApiProperty({ description: 'The version whose content the proposal restores' })
  @Field(() => Int)
  @IsInt()
  toVersion!: number;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Defaults to "Revert to version N"' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  title?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;
}
