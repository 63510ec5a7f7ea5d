import { type Caller, DNS1123_LABEL, DNS1123_LABEL_MESSAGE, validateCommand, WEBHOOK_EVENTS, type WebhookEventName } from '@palisade/shared-types';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

const EVENTS_MESSAGE = `each event must be one of ${WEBHOOK_EVENTS.join(', ')}`;
const SECRET_MESSAGE = 'secret must be a string of 16 to 256 characters';

export interface CreateWebhookInput {
  caller: Caller;
  url: string;
  events: string[];
  clusters?: string[] | null;
  secret: string;
  format?: string | null;
  enabled?: boolean | null;
}

export class CreateWebhookCommand {
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048)
  readonly url: string;

  @IsArray({ message: 'events must be a list of event names' })
  @ArrayNotEmpty({ message: 'events must name at least one event' })
  @ArrayUnique({ message: 'events must not repeat' })
  @IsIn(WEBHOOK_EVENTS, { each: true, message: EVENTS_MESSAGE })
  readonly events: WebhookEventName[];

  /** Cluster names; empty: every cluster. */
  @IsArray({ message: 'clusters must be a list of cluster names' })
  @ArrayUnique({ message: 'clusters must not repeat' })
  @Matches(DNS1123_LABEL, { each: true, message: `each cluster ${DNS1123_LABEL_MESSAGE}` })
  readonly clusters: string[];

  @IsString({ message: SECRET_MESSAGE })
  @MinLength(16, { message: SECRET_MESSAGE })
  @MaxLength(256, { message: SECRET_MESSAGE })
  readonly secret: string;

  @IsIn(WEBHOOK_FORMATS, { message: 'format must be json or slack' })
  readonly format: WebhookFormat;

  @IsBoolean({ message: 'enabled must be true or false' })
  readonly enabled: boolean;

  private constructor(
    input: CreateWebhookInput,
    readonly caller: Caller,
  ) {
    this.url = input.url;
    this.events = input.events as WebhookEventName[];
    this.clusters = input.clusters ?? [];
    this.secret = input.secret;
    this.format = (input.format ?? 'json').toLowerCase() as WebhookFormat;
    this.enabled = input.enabled ?? true;
    validateCommand(this);
  }

  static from(input: CreateWebhookInput): CreateWebhookCommand {
    return new CreateWebhookCommand(input, input.caller);
  }
}
