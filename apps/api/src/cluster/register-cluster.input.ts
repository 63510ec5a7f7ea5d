import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString } from 'class-validator';

import { JsonScalar } from '../common/json.scalar';

@InputType()
export class RegisterClusterInput {
  @ApiProperty({ example: 'prod-eu-1', description: 'DNS-1123 label (lowercase, digits, "-"; at most 63)' })
  @Field()
  @IsString()
  name!: string;

  @ApiPropertyOptional({ example: 'Production (EU)' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  displayName?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' } })
  @Field(() => JsonScalar, { nullable: true })
  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;
}
