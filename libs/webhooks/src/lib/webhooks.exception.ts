import { DomainException } from '@palisade/shared-types';

export enum WebhooksErrorCode {
  WEBHOOK_NOT_FOUND = 'WEBHOOK_NOT_FOUND',
  WEBHOOK_DELIVERY_NOT_FOUND = 'WEBHOOK_DELIVERY_NOT_FOUND',
}

export class WebhooksException extends DomainException<WebhooksErrorCode> {}
