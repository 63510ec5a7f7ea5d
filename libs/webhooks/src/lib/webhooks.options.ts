export const WEBHOOKS_OPTIONS = Symbol('WEBHOOKS_OPTIONS');

/** What the apps configure (from their validated env) for webhooks. */
export interface WebhooksOptions {
  /** AES-256-GCM key sealing the signing secrets (PALISADE_SECRET_KEY). */
  secretKey: Buffer;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: loopback, private, link-local and metadata addresses are refused unless true. */
  allowPrivateAddresses: boolean;
  /** The dispatcher's settings (the worker sends; the API does not). */
  dispatch?: WebhookDispatchOptions;
}

export interface WebhookDispatchOptions {
  /** Deadline of one request (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** First retry delay; doubles per attempt, with jitter, up to `retryMaxMs` (WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_MAX_MS). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a delivery is retried before it is given up as FAILED (WEBHOOK_RETRY_WINDOW_MS, 24 h). */
  retryWindowMs: number;
  /** Deliveries claimed per poll (WEBHOOK_BATCH_SIZE). */
  batchSize: number;
  /** User-Agent of the requests. */
  userAgent: string;
  /** Base URL of the API for links in Slack messages (PALISADE_PUBLIC_URL); null: the proposal id only. */
  publicUrl: string | null;
}
