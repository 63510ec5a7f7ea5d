import { lookup } from 'node:dns/promises';

import { type ClaimedWebhookDelivery, type WebhookAttemptRecord, WebhookRepository } from '@palisade/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { toSlackMessage } from './slack-message.util';
import { isPrivateAddress, webhookUrlProblem } from './webhook-address.util';
import { WebhookSecretCipher } from './webhook-secret-cipher';
import { signWebhook } from './webhook-signature.util';
import { type WebhookDispatchOptions, WEBHOOKS_OPTIONS, type WebhooksOptions } from './webhooks.options';

const EXCERPT_CHARS = 512;

/** The delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, with 50–100 % jitter. */
export function webhookRetryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * One poll of the webhook dispatcher (the sync worker runs it on a timer): claims due deliveries,
 * sends each with its signature and a short deadline, and records the attempt. At least once: a
 * delivery is marked DELIVERED only after a 2xx answer. Failures are retried with exponential
 * backoff and jitter until the retry window ends, then FAILED.
 */
@Injectable()
export class DispatchWebhooksService {
  private readonly logger = new Logger('WebhookDispatcher');
  private readonly cipher: WebhookSecretCipher;
  private readonly dispatch: WebhookDispatchOptions;

  constructor(
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksOptions,
    private readonly webhooks: WebhookRepository,
  ) {
    this.cipher = new WebhookSecretCipher(options.secretKey);
    if (!options.dispatch) throw new Error('WebhooksModule registered without dispatch options');
    this.dispatch = options.dispatch;
  }

  /** Returns how many deliveries were attempted. */
  async execute(): Promise<number> {
    // The claim outlasts one request's deadline with room to record it; a dispatcher that dies mid-way leaves them due again.
    const claimed = await this.webhooks.claimDue(this.dispatch.batchSize, this.dispatch.timeoutMs * 2 + 5_000);
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length;
  }

  private async deliver(delivery: ClaimedWebhookDelivery): Promise<void> {
    const started = Date.now();
    const attempt = await this.send(delivery);
    const record: WebhookAttemptRecord = { at: new Date(started).toISOString(), durationMs: Date.now() - started, ...attempt };
    const ok = record.statusCode !== null && record.statusCode >= 200 && record.statusCode < 300;
    const now = new Date();
    const retryUntil = delivery.retryUntil ?? new Date(started + this.dispatch.retryWindowMs);
    const nextAttemptAt = new Date(now.getTime() + webhookRetryDelayMs(delivery.attempts + 1, this.dispatch.retryBaseMs, this.dispatch.retryMaxMs));
    const status = ok ? 'DELIVERED' : nextAttemptAt > retryUntil ? 'FAILED' : 'PENDING';
    if (status === 'FAILED') this.logger.warn(`delivery ${delivery.id} (${delivery.event}) to webhook ${delivery.webhookId} given up after ${delivery.attempts + 1} attempts`);
    await this.webhooks.recordAttempt(delivery.id, { status, attempt: record, nextAttemptAt: ok ? now : nextAttemptAt, retryUntil });
  }

  private async send(delivery: ClaimedWebhookDelivery): Promise<Omit<WebhookAttemptRecord, 'at' | 'durationMs'>> {
    const refused = await this.addressProblem(delivery.url);
    if (refused) return { statusCode: null, error: refused, responseExcerpt: null };
    const body = JSON.stringify(delivery.format === 'SLACK' ? toSlackMessage(delivery.payload, this.dispatch.publicUrl) : delivery.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let secret: string;
    try {
      secret = this.cipher.open(delivery.sealedSecret, delivery.webhookId);
    } catch {
      return { statusCode: null, error: 'the signing secret cannot be decrypted (was PALISADE_SECRET_KEY changed?)', responseExcerpt: null };
    }
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual', // a redirect could lead to an address the rules refuse
        signal: AbortSignal.timeout(this.dispatch.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': this.dispatch.userAgent,
          'x-palisade-event': delivery.event,
          'x-palisade-delivery': delivery.id,
          'x-palisade-timestamp': timestamp,
          'x-palisade-signature': signWebhook(secret, timestamp, body),
        },
        body,
      });
      const text = await readExcerpt(response);
      return { statusCode: response.status, error: response.ok ? null : `HTTP ${response.status}`, responseExcerpt: text };
    } catch (error) {
      const message = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.dispatch.timeoutMs} ms` : networkError(error);
      return { statusCode: null, error: message, responseExcerpt: null };
    }
  }

  /** The address rules again at delivery time, on what the name resolves to now. */
  private async addressProblem(url: string): Promise<string | null> {
    const problem = webhookUrlProblem(url, this.options.allowPrivateAddresses);
    if (problem || this.options.allowPrivateAddresses) return problem;
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    try {
      const answers = await withDeadline(lookup(host, { all: true }), this.dispatch.timeoutMs, `no DNS answer within ${this.dispatch.timeoutMs} ms`);
      const bad = answers.find((answer) => isPrivateAddress(answer.address));
      return bad ? `url host ${host} resolves to ${bad.address}, a loopback, private, link-local or metadata address` : null;
    } catch (error) {
      return `url host ${host} does not resolve (${networkError(error)})`;
    }
  }
}

/** The first EXCERPT_CHARS characters of the body; the rest is not read (a receiver may answer with anything). */
async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // a body cut short or past the deadline: keep what arrived
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, EXCERPT_CHARS);
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function networkError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
