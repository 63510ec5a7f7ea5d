import { createHmac } from 'node:crypto';

/**
 * The `X-Palisade-Signature` header: `sha256=` and the hex HMAC-SHA256, keyed with the webhook's
 * secret, of `<X-Palisade-Timestamp>.<raw body>`. The timestamp is signed so a captured request
 * cannot be replayed later with a fresh timestamp.
 * @example signWebhook('s3cret-s3cret-s3cret', '1764842400', '{"event":"proposal.merged"}') // 'sha256=…'
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}
