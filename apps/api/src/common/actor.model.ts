import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ActorKind } from './graphql-enums';

@ObjectType('Actor', { description: 'Who did something: a principal (human or bot) or a Palisade process (system)' })
export class ActorModel {
  @ApiProperty({ nullable: true, type: String, description: 'Principal id; null for a system actor' })
  @Field(() => String, { nullable: true })
  id!: string | null;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ enum: ['human', 'bot', 'system'] })
  @Field(() => ActorKind)
  kind!: string;
}

@ObjectType('ActorRef')
export class ActorRefModel {
  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  id!: string | null;

  @ApiProperty()
  @Field()
  name!: string;
}
