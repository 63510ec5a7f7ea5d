import { registerDecorator } from 'class-validator';

import { AuditKeyError, parseAuditSigningKey } from './audit-signing-key.util';

/** An env property holding an Ed25519 private key that parseAuditSigningKey accepts; the message says what is wrong. */
export function IsAuditSigningKey(): PropertyDecorator {
  return (target, propertyName) => {
    let problem = '';
    registerDecorator({
      name: 'isAuditSigningKey',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => {
          try {
            parseAuditSigningKey(String(value));
            return true;
          } catch (error) {
            problem = error instanceof AuditKeyError ? error.message : `${String(propertyName)} does not parse`;
            return false;
          }
        },
        defaultMessage: () => `${problem}; generate one with: openssl genpkey -algorithm ed25519`,
      },
    });
  };
}
