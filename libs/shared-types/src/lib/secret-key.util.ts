import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * A 32-byte key given as 64 hex digits or as base64 (44 characters with padding, 43 without).
 * Returns null for anything else.
 *
 * @example parseSecretKey('00'.repeat(32))?.length // 32
 */
export function parseSecretKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

export const SECRET_KEY_MESSAGE = 'must be 32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)';

/** A string parseSecretKey accepts. */
export function IsSecretKey(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isSecretKey',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseSecretKey(value) !== null,
        defaultMessage: (args) => `${args?.property} ${SECRET_KEY_MESSAGE}`,
      },
    });
  };
}
