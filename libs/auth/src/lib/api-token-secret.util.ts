import { createHash, randomBytes } from 'node:crypto';

/** Every Palisade API token starts with this, so scanners and people recognise a leaked one. */
export const API_TOKEN_PREFIX = 'pal_';

/** `pal_` then 43 base64url characters (256 random bits). */
export function generateApiTokenSecret(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored instead of the secret. Tokens are random, so an unsalted hash is enough. */
export function hashApiTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Enough of the secret to tell tokens apart in a list, never enough to use. */
export function apiTokenDisplayPrefix(secret: string): string {
  return secret.slice(0, API_TOKEN_PREFIX.length + 6);
}

export const API_TOKEN_PATTERN = /^pal_[A-Za-z0-9_-]{32,}$/;
