import type { AuditEventView, AuditVerification } from '@palisade/audit';
import { Field, Float, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { ActorModel } from '../common/actor.model';
import { JsonScalar } from '../common/json.scalar';

@ObjectType('AuditSubject')
export class AuditSubjectModel {
  @ApiProperty({ example: 'proposal' })
  @Field()
  type!: string;

  @ApiProperty()
  @Field()
  id!: string;
}

@ObjectType('AuditEvent')
export class AuditEventModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty({ description: 'Position in the hash chain (1, 2, 3...)' })
  @Field(() => Float)
  seq!: number;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty({ type: ActorModel })
  @Field(() => ActorModel)
  actor!: ActorModel;

  @ApiProperty({ example: 'proposal.merged' })
  @Field()
  action!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Cluster name' })
  @Field(() => String, { nullable: true })
  cluster!: string | null;

  @ApiProperty({ type: AuditSubjectModel })
  @Field(() => AuditSubjectModel)
  subject!: AuditSubjectModel;

  @ApiProperty({ nullable: true, type: Object, description: 'Summary of the state before' })
  @Field(() => JsonScalar, { nullable: true })
  before!: unknown;

  @ApiProperty({ nullable: true, type: Object, description: 'Summary of the state after' })
  @Field(() => JsonScalar, { nullable: true })
  after!: unknown;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  clientAddress!: string | null;

  @ApiProperty()
  @Field()
  prevHash!: string;

  @ApiProperty({ description: 'sha256(prevHash + canonical JSON of the event)' })
  @Field()
  hash!: string;
}

@ObjectType('AuditEventPage')
export class AuditEventPageModel {
  @ApiProperty({ type: [AuditEventModel] })
  @Field(() => [AuditEventModel])
  items!: AuditEventModel[];

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}

@ObjectType('AuditChainBreak')
export class AuditChainBreakModel {
  @ApiProperty()
  @Field(() => Float)
  seq!: number;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  eventId!: string | null;

  @ApiProperty({ enum: ['SEQUENCE_GAP', 'PREV_HASH_MISMATCH', 'HASH_MISMATCH', 'HEAD_MISMATCH'] })
  @Field()
  reason!: string;

  @ApiProperty()
  @Field()
  message!: string;
}

@ObjectType('AuditVerification')
export class AuditVerificationModel {
  @ApiProperty()
  @Field()
  ok!: boolean;

  @ApiProperty()
  @Field(() => Float)
  eventsChecked!: number;

  @ApiProperty()
  @Field(() => Float)
  headSeq!: number;

  @ApiProperty()
  @Field()
  headHash!: string;

  @ApiProperty({ nullable: true, type: AuditChainBreakModel, description: 'The first link that does not hold' })
  @Field(() => AuditChainBreakModel, { nullable: true })
  firstBroken!: AuditChainBreakModel | null;
}

export const toAuditEventModel = (view: AuditEventView): AuditEventModel => view;
export const toAuditVerificationModel = (view: AuditVerification): AuditVerificationModel => view;
