import { WEBHOOK_EVENTS } from '@palisade/shared-types';
import type { WebhookAttemptView, WebhookDeliveryView, WebhookView } from '@palisade/webhooks';
import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { WebhookDeliveryStatus } from '../common/graphql-enums';

// Input classes only declare the fields; CreateWebhookCommand / UpdateWebhookCommand check them, naming the field.

@ObjectType('Webhook')
export class WebhookModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ example: 'https://hooks.example.com/palisade' })
  @Field()
  url!: string;

  @ApiProperty({ type: [String], enum: WEBHOOK_EVENTS, example: ['proposal.created', 'proposal.merged'] })
  @Field(() => [String])
  events!: string[];

  @ApiProperty({ type: [String], example: ['prod'], description: 'Cluster names the webhook hears about; empty: every cluster' })
  @Field(() => [String])
  clusters!: string[];

  @ApiProperty({ enum: ['json', 'slack'] })
  @Field()
  format!: string;

  @ApiProperty()
  @Field()
  enabled!: boolean;

  @ApiProperty({ description: 'Name of the principal that created it' })
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

export class WebhookListModel {
  @ApiProperty({ type: [WebhookModel] })
  items!: WebhookModel[];
}

@ObjectType('WebhookAttempt')
export class WebhookAttemptModel {
  @ApiProperty()
  @Field()
  at!: Date;

  @ApiProperty({ type: Number, nullable: true, description: "The receiver's HTTP status; null when no answer came" })
  @Field(() => Int, { nullable: true })
  statusCode!: number | null;

  @ApiProperty()
  @Field(() => Int)
  durationMs!: number;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  error!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The first 512 characters of the response body' })
  @Field(() => String, { nullable: true })
  responseExcerpt!: string | null;
}

@ObjectType('WebhookSubject')
export class WebhookSubjectModel {
  @ApiProperty({ example: 'proposal' })
  @Field()
  type!: string;

  @ApiProperty()
  @Field()
  id!: string;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryModel {
  @ApiProperty({ format: 'uuid', description: 'The X-Palisade-Delivery header: the same on every attempt and redelivery' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @Field()
  webhookId!: string;

  @ApiProperty({ example: 'proposal.merged' })
  @Field()
  event!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  cluster!: string | null;

  @ApiProperty({ type: WebhookSubjectModel })
  @Field(() => WebhookSubjectModel)
  subject!: WebhookSubjectModel;

  @ApiProperty({ enum: ['PENDING', 'DELIVERED', 'FAILED'], description: 'FAILED: retries gave up' })
  @Field(() => WebhookDeliveryStatus)
  status!: string;

  @ApiProperty({ type: [WebhookAttemptModel] })
  @Field(() => [WebhookAttemptModel])
  attempts!: WebhookAttemptModel[];

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

export class WebhookDeliveryListModel {
  @ApiProperty({ type: [WebhookDeliveryModel] })
  items!: WebhookDeliveryModel[];
}

@InputType()
export class CreateWebhookInput {
  @ApiProperty({ example: 'https://hooks.example.com/palisade', description: 'http(s); no loopback, private, link-local or metadata host unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true' })
  @Field()
  @IsOptional()
  url!: string;

  @ApiProperty({ type: [String], enum: WEBHOOK_EVENTS })
  @Field(() => [String])
  @IsOptional()
  events!: string[];

  @ApiPropertyOptional({ type: [String], description: 'Cluster names; absent or empty: every cluster' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  clusters?: string[] | null;

  @ApiProperty({ minLength: 16, maxLength: 256, description: 'Signs every request (X-Palisade-Signature); stored encrypted, never returned' })
  @Field()
  @IsOptional()
  secret!: string;

  @ApiPropertyOptional({ enum: ['json', 'slack'], default: 'json' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  format?: string | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, default: true })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  enabled?: boolean | null;
}

@InputType()
export class UpdateWebhookInput {
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uri', example: 'https://hooks.example.com/palisade' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  url?: string | null;

  @ApiPropertyOptional({ type: [String], enum: WEBHOOK_EVENTS })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  events?: string[] | null;

  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  clusters?: string[] | null;

  @ApiPropertyOptional({ type: String, nullable: true, minLength: 16, maxLength: 256 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  secret?: string | null;

  @ApiPropertyOptional({ enum: ['json', 'slack'] })
  @Field(() => String, { nullable: true })
  @IsOptional()
  format?: string | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  enabled?: boolean | null;
}

export const toWebhookModel = (view: WebhookView): WebhookModel => ({ ...view });

const toAttemptModel = (attempt: WebhookAttemptView): WebhookAttemptModel => ({ ...attempt });

export const toWebhookDeliveryModel = (view: WebhookDeliveryView): WebhookDeliveryModel => ({ ...view, attempts: view.attempts.map(toAttemptModel) });
