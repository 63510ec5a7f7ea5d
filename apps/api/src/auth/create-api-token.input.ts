import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';

@InputType()
export class CreateApiTokenInput {
  @ApiProperty({ example: 'gitops-bot', description: "The principal's name; an existing name gets another token" })
  @Field()
  @IsString()
  name!: string;

  @ApiProperty({ enum: ['human', 'bot'] })
  @Field()
  @IsIn(['human', 'bot'], { message: 'kind must be human or bot' })
  kind!: 'human' | 'bot';

  @ApiProperty({ type: [String], example: ['proposer'], description: 'admin, approver, proposer, auditor, reporter (uploads inventories, nothing else)' })
  @Field(() => [String])
  @IsArray()
  roles!: string[];

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'Cluster names in scope; omitted or null for every cluster' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  clusters?: string[] | null;

  @ApiPropertyOptional({ type: [String], description: 'Approver groups that approval rules may require' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  groups?: string[] | null;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: string | null;
}
