import { Field, InputType } from '@nestjs/graphql';
import { IsArray, IsOptional, IsString } from 'class-validator';

import { JsonScalar } from '../common/json.scalar';

/** Exactly one of `policies` (NetworkPolicy objects) or `yaml` (one or more NetworkPolicy documents). */
@InputType()
export class ImportVersionInput {
  // The global ValidationPipe whitelists: a field without a validator would be refused.
  @Field(() => [JsonScalar], { nullable: true })
  @IsOptional()
  @IsArray()
  policies?: unknown[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  yaml?: string;
}
