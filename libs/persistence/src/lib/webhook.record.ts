export type WebhookFormatKind = 'JSON' | 'SLACK';
export type WebhookDeliveryStatusKind = 'PENDING' | 'DELIVERED' | 'FAILED';

/** A subscription. `sealedSecret` is the AES-256-GCM sealed signing secret: never leaves the webhooks lib. */
export interface WebhookRecord {
  id: string;
  url: string;
  events: string[];
  /** Cluster names; empty: every cluster. */
  clusters: string[];
  format: WebhookFormatKind;
  enabled: boolean;
  sealedSecret: Buffer;
  createdById: string | null;
  createdByName: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewWebhookRecord {
  id: string;
  url: string;
  events: string[];
  clusters: string[];
  format: WebhookFormatKind;
  enabled: boolean;
  sealedSecret: Buffer;
  createdById: string | null;
  createdByName: string;
}

export type WebhookPatch = Partial<Pick<NewWebhookRecord, 'url' | 'events' | 'clusters' | 'format' | 'enabled' | 'sealedSecret'>>;

/** An outbox entry as the audit recorder writes it. */
export interface NewWebhookEventRecord {
  event: string;
  clusterName: string | null;
  subjectType: string;
  subjectId: string;
  payload: Record<string, unknown>;
}

/** One attempt at a delivery, as listed by GET .../deliveries. */
export interface WebhookAttemptRecord {
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface WebhookDeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  event: string;
  clusterName: string | null;
  subjectType: string;
  subjectId: string;
  status: WebhookDeliveryStatusKind;
  attempts: number;
  attemptLog: WebhookAttemptRecord[];
  nextAttemptAt: Date;
  retryUntil: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** A delivery the dispatcher claimed, with what it needs to send it. */
export interface ClaimedWebhookDelivery {
  id: string;
  webhookId: string;
  url: string;
  format: WebhookFormatKind;
  sealedSecret: Buffer;
  event: string;
  payload: Record<string, unknown>;
  attempts: number;
  retryUntil: Date | null;
}

/** What a finished attempt leaves: delivered, to retry at `nextAttemptAt`, or given up. */
export interface WebhookAttemptOutcome {
  status: WebhookDeliveryStatusKind;
  attempt: WebhookAttemptRecord;
  nextAttemptAt: Date;
  retryUntil: Date | null;
}

/** What a proposal's webhook payload says about it (no manifests). */
export interface ProposalWebhookSummary {
  id: string;
  title: string;
  status: string;
  revision: number;
  baseVersion: number;
  mergedVersion: number | null;
  author: { name: string; kind: string };
  sourceUrl: string | null;
  sourceCommit: string | null;
  analysis: { status: string; summary: unknown; findings: unknown } | null;
}
