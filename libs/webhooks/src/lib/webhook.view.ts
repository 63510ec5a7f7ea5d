import type { WebhookDeliveryRecord, WebhookRecord } from '@palisade/persistence';

import type { WebhookFormat } from './create-webhook.command';

/** A webhook as every transport returns it: never the secret. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  /** Cluster names; empty: every cluster. */
  clusters: string[];
  format: WebhookFormat;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toWebhookView(record: WebhookRecord): WebhookView {
  return {
    id: record.id,
    url: record.url,
    events: record.events,
    clusters: record.clusters,
    format: record.format === 'SLACK' ? 'slack' : 'json',
    enabled: record.enabled,
    createdBy: record.createdByName,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface WebhookAttemptView {
  at: Date;
  /** The receiver's HTTP status; null when no answer came (timeout, refused address, network error). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The first bytes of the response body. */
  responseExcerpt: string | null;
}

export interface WebhookDeliveryView {
  /** The `X-Palisade-Delivery` header, the same on every attempt and redelivery. */
  id: string;
  webhookId: string;
  event: string;
  cluster: string | null;
  subject: { type: string; id: string };
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: WebhookAttemptView[];
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export function toWebhookDeliveryView(record: WebhookDeliveryRecord): WebhookDeliveryView {
  return {
    id: record.id,
    webhookId: record.webhookId,
    event: record.event,
    cluster: record.clusterName,
    subject: { type: record.subjectType, id: record.subjectId },
    status: record.status,
    attempts: record.attemptLog.map((attempt) => ({ ...attempt, at: new Date(attempt.at) })),
    nextAttemptAt: record.status === 'PENDING' ? record.nextAttemptAt : null,
    deliveredAt: record.deliveredAt,
    createdAt: record.createdAt,
  };
}
