import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT_V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The stored credentials cannot be decrypted: another PALISADE_SECRET_KEY, or tampering. */
export class CredentialsUnreadableError extends Error {
  constructor(reason: string) {
    super(`stored cluster credentials cannot be decrypted (${reason}); was PALISADE_SECRET_KEY changed?`);
  }
}

/**
 * AES-256-GCM for connection credentials. Output: format byte, 12-byte IV, 16-byte tag, ciphertext.
 * The associated data (the cluster id) is authenticated too, so a ciphertext copied onto another
 * cluster's row does not decrypt.
 */
export class ConnectionCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  }

  encrypt(plaintext: Buffer, associatedData: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), ciphertext]);
  }

  /** @throws CredentialsUnreadableError */
  decrypt(sealed: Buffer, associatedData: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new CredentialsUnreadableError('unknown format');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new CredentialsUnreadableError('authentication failed');
    }
  }
}
