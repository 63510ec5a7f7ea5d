import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';

import { JsonScalar } from '../common/json.scalar';

@InputType()
export class PolicyRefInput {
  @Field()
  @IsString()
  namespace!: string;

  @Field()
  @IsString()
  name!: string;
}

@InputType()
export class ProposalChangesInput {
  @Field(() => [JsonScalar], { nullable: true, description: 'NetworkPolicy manifests to add or replace' })
  @IsOptional()
  @IsArray()
  upsert?: unknown[] | null;

  @Field(() => [PolicyRefInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PolicyRefInput)
  delete?: PolicyRefInput[] | null;
}

@InputType()
export class ProposalSourceInput {
  @Field()
  @IsString()
  kind!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  commit?: string | null;
}

/** Exactly one of `changes`, `policies` (a complete desired set) or `yaml` (the same, as YAML). */
@InputType()
export class CreateProposalInput {
  @Field()
  @IsString()
  title!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'Required with changes; a desired set defaults to the head' })
  @IsOptional()
  @IsInt()
  baseVersion?: number | null;

  @Field(() => ProposalChangesInput, { nullable: true })
  @IsOptional()
  @IsObject()
  changes?: ProposalChangesInput | null;

  @Field(() => [JsonScalar], { nullable: true })
  @IsOptional()
  @IsArray()
  policies?: unknown[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  yaml?: string | null;

  @Field(() => ProposalSourceInput, { nullable: true })
  @IsOptional()
  @IsObject()
  source?: ProposalSourceInput | null;
}

@InputType()
export class UpdateProposalInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  baseVersion?: number | null;

  @Field(() => ProposalChangesInput, { nullable: true })
  @IsOptional()
  @IsObject()
  changes?: ProposalChangesInput | null;

  @Field(() => [JsonScalar], { nullable: true })
  @IsOptional()
  @IsArray()
  policies?: unknown[] | null;

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

  @ApiPropertyOptional()
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  comment?: string | null;
}

@InputType()
export class RejectInput {
  @ApiPropertyOptional()
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

  @ApiPropertyOptional({ description: 'Defaults to "Revert to version N"' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  title?: string | null;

  @ApiPropertyOptional()
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;
}
