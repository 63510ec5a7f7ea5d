import { AUDIT_CHAIN_BREAKS, type AuditCheckpoint, type AuditEventView, type AuditVerification } from '@palisade/audit';
import { Field, Int, ObjectType } from '@nestjs/graphql';
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
  @Field(() => Int)
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
  @ApiProperty({ nullable: true, type: Number, description: 'null when a scoped caller is told of a break outside its clusters' })
  @Field(() => Int, { nullable: true })
  seq!: number | null;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  eventId!: string | null;

  @ApiProperty({ enum: AUDIT_CHAIN_BREAKS })
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

  @ApiProperty({ description: 'Events checked: all of them, or those of the caller\'s clusters' })
  @Field(() => Int)
  eventsChecked!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'null for a caller scoped to some clusters' })
  @Field(() => Int, { nullable: true })
  headSeq!: number | null;

  @ApiProperty({ nullable: true, type: String, description: 'null for a caller scoped to some clusters' })
  @Field(() => String, { nullable: true })
  headHash!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Signed checkpoints checked; null for a scoped caller or without PALISADE_AUDIT_SIGNING_KEY' })
  @Field(() => Int, { nullable: true })
  checkpointsChecked!: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'The event the newest checkpoint signs; later events are not anchored yet' })
  @Field(() => Int, { nullable: true })
  anchoredSeq!: number | null;

  @ApiProperty({ nullable: true, type: [String], description: 'The clusters reported on; null for an unscoped caller' })
  @Field(() => [String], { nullable: true })
  scope!: string[] | null;

  @ApiProperty({ nullable: true, type: AuditChainBreakModel, description: 'The first link that does not hold' })
  @Field(() => AuditChainBreakModel, { nullable: true })
  firstBroken!: AuditChainBreakModel | null;
}

/** A signed statement that event `seq` had hash `hash` at `time` (REST only). */
export class AuditCheckpointModel {
  @ApiProperty({ description: '1, 2, 3... without gaps: a removed checkpoint leaves a hole' })
  number!: number;

  @ApiProperty({ description: 'The audit event it signs' })
  seq!: number;

  @ApiProperty({ description: 'That event\'s hash' })
  hash!: string;

  @ApiProperty({ description: 'When it was signed' })
  time!: Date;

  @ApiProperty({ description: 'sha256 of the signing public key (SPKI DER), hex' })
  keyId!: string;

  @ApiProperty({ description: 'Ed25519, base64, over "palisade-audit-checkpoint/1\\n" + canonical JSON of {hash, number, seq, time}' })
  signature!: string;
}

export class AuditPublicKeyModel {
  @ApiProperty({ enum: ['Ed25519'] })
  algorithm!: 'Ed25519';

  @ApiProperty({ description: 'SPKI PEM; `palisade audit verify --public-key FILE` reads it' })
  publicKey!: string;

  @ApiProperty()
  keyId!: string;
}

export class AuditCheckpointPageModel extends AuditPublicKeyModel {
  @ApiProperty({ type: [AuditCheckpointModel], description: 'Oldest first' })
  items!: AuditCheckpointModel[];

  @ApiProperty({ nullable: true, type: Number, description: 'Pass as `after` for the next page' })
  nextCursor!: number | null;
}

export class AuditCheckpointWriteModel {
  @ApiProperty({ description: 'false when the newest checkpoint already signs the head' })
  created!: boolean;

  @ApiProperty({ nullable: true, type: AuditCheckpointModel, description: 'The newest checkpoint; null while the audit trail is empty' })
  checkpoint!: AuditCheckpointModel | null;
}

export const toAuditEventModel = (view: AuditEventView): AuditEventModel => view;
export const toAuditVerificationModel = (view: AuditVerification): AuditVerificationModel => view;
export const toAuditCheckpointModel = (checkpoint: AuditCheckpoint): AuditCheckpointModel => checkpoint;
