import type { PrincipalView } from '@palisade/auth';
import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { ActorRefModel } from '../common/actor.model';

@ObjectType('RegisteredPrincipal', { description: 'A human or bot, created once; its tokens carry roles, scope and approver groups' })
export class RegisteredPrincipalModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty({ example: 'gitops-bot' })
  @Field()
  name!: string;

  @ApiProperty({ enum: ['human', 'bot'] })
  @Field()
  kind!: string;

  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'The scope it was created within: the creating scoped admin’s clusters, or null when an unscoped admin created it',
  })
  @Field(() => [String], { nullable: true })
  clusters!: string[] | null;

  @ApiProperty({ type: ActorRefModel, nullable: true, description: 'Who created it; null for the bootstrap admin' })
  @Field(() => ActorRefModel, { nullable: true })
  createdBy!: ActorRefModel | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

export class RegisteredPrincipalListModel {
  @ApiProperty({ type: [RegisteredPrincipalModel] })
  items!: RegisteredPrincipalModel[];
}

export const toRegisteredPrincipalModel = (view: PrincipalView): RegisteredPrincipalModel => ({ ...view });
