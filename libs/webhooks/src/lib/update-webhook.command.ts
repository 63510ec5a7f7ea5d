import { type Caller, DNS1123_LABEL, DNS1123_LABEL_MESSAGE, validateCommand, WEBHOOK_EVENTS, type WebhookEventName } from '@palisade/shared-types';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

import { WEBHOOK_FORMATS, type WebhookFormat } from './create-webhook.command';

const SECRET_MESSAGE = 'secret must be a string of 16 to 256 characters';

export interface UpdateWebhookInput {
  caller: Caller;
  id: string;
  url?: string | null;
  events?: string[] | null;
  clusters?: string[] | null;
  secret?: string | null;
  format?: string | null;
  enabled?: boolean | null;
}

/** A partial change: absent (or null) fields keep their value. */
export class UpdateWebhookCommand {
  /** Any string: an id that is no webhook's answers WEBHOOK_NOT_FOUND. */
  @IsString()
  readonly id: string;

  @IsOptional()
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048)
  readonly url: string | undefined;

  @IsOptional()
  @IsArray({ message: 'events must be a list of event names' })
  @ArrayNotEmpty({ message: 'events must name at least one event' })
  @ArrayUnique({ message: 'events must not repeat' })
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `each event must be one of ${WEBHOOK_EVENTS.join(', ')}` })
  readonly events: WebhookEventName[] | undefined;

  @IsOptional()
  @IsArray({ message: 'clusters must be a list of cluster names' })
  @ArrayUnique({ message: 'clusters must not repeat' })
  @Matches(DNS1123_LABEL, { each: true, message: `each cluster ${DNS1123_LABEL_MESSAGE}` })
  readonly clusters: string[] | undefined;

  @IsOptional()
  @IsString({ message: SECRET_MESSAGE })
  @MinLength(16, { message: SECRET_MESSAGE })
  @MaxLength(256, { message: SECRET_MESSAGE })
  readonly secret: string | undefined;

  @IsOptional()
  @IsIn(WEBHOOK_FORMATS, { message: 'format must be json or slack' })
  readonly format: WebhookFormat | undefined;

  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  readonly enabled: boolean | undefined;

  private constructor(
    input: UpdateWebhookInput,
    readonly caller: Caller,
  ) {
    this.id = input.id;
    this.url = input.url ?? undefined;
    this.events = (input.events ?? undefined) as WebhookEventName[] | undefined;
    this.clusters = input.clusters ?? undefined;
    this.secret = input.secret ?? undefined;
    this.format = (input.format?.toLowerCase() ?? undefined) as WebhookFormat | undefined;
    this.enabled = input.enabled ?? undefined;
    validateCommand(this);
  }

  static from(input: UpdateWebhookInput): UpdateWebhookCommand {
    return new UpdateWebhookCommand(input, input.caller);
  }
}
