import { Field, InputType } from '@nestjs/graphql';

import { JsonScalar } from '../common/json.scalar';

/** Exactly one of `policies` (NetworkPolicy objects) or `yaml` (one or more NetworkPolicy documents). */
@InputType()
export class ImportVersionInput {
  @Field(() => [JsonScalar], { nullable: true })
  policies?: unknown[];

  @Field(() => String, { nullable: true })
  yaml?: string;
}
