import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';

@InputType()
export class CreatePrincipalInput {
  @ApiProperty({ example: 'frank', description: 'Lowercase letters, digits, ".", "_", "@" or "-"; at most 100 characters; unique' })
  @Field()
  @IsString()
  name!: string;

  @ApiProperty({ enum: ['human', 'bot'] })
  @Field()
  @IsIn(['human', 'bot'], { message: 'kind must be human or bot' })
  kind!: 'human' | 'bot';
}
