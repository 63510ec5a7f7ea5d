import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional, IsString } from 'class-validator';

import { JsonScalar } from '../common/json.scalar';
import { NETWORK_POLICY_SCHEMA } from '../openapi/network-policy.schema';

/**
 * POST /clusters/{name}/versions/import and importVersion: exactly one of `policies` (NetworkPolicy
 * objects) or `yaml` (one or more NetworkPolicy documents). A YAML request body fills `yaml`.
 */
@InputType()
export class ImportVersionInput {
  // The global ValidationPipe whitelists: a field without a validator would be refused.
  @ApiPropertyOptional({ type: 'array', items: NETWORK_POLICY_SCHEMA, description: 'The NetworkPolicies of the first version' })
  @Field(() => [JsonScalar], { nullable: true })
  @IsOptional()
  @IsArray()
  policies?: unknown[];

  @ApiPropertyOptional({ type: String, description: 'The same as YAML NetworkPolicy documents' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  yaml?: string;
}
