import { createHash, createPrivateKey, createPublicKey, type KeyObject, type PrivateKeyInput, type PublicKeyInput } from 'node:crypto';

/** The Ed25519 key pair that signs audit checkpoints; the private half never reaches the database. */
export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as SPKI PEM: what auditors verify exports with. */
  publicKeyPem: string;
  /** sha256 of the public key's SPKI DER, hex: names the key in every checkpoint. */
  keyId: string;
}

export class AuditKeyError extends Error {}

const PEM = /^-----BEGIN [A-Z ]+-----/;

function decode(text: string, type: 'pkcs8' | 'spki', build: (input: { key: Buffer | string; format: 'pem' | 'der'; type?: 'pkcs8' | 'spki' }) => KeyObject): KeyObject {
  const trimmed = text.trim();
  // Environment variables often carry PEM with literal "\n" sequences.
  const pem = trimmed.replace(/\\n/g, '\n');
  if (PEM.test(pem)) return build({ key: pem, format: 'pem' });
  if (!/^[A-Za-z0-9+/=\s]+$/.test(trimmed)) throw new AuditKeyError('not PEM and not base64');
  return build({ key: Buffer.from(trimmed, 'base64'), format: 'der', type });
}

/** The key id of an Ed25519 public key: sha256 of its SPKI DER, hex. */
export function auditKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * Reads PALISADE_AUDIT_SIGNING_KEY: an Ed25519 private key as PKCS#8 PEM (`openssl genpkey -algorithm
 * ed25519`), or the same DER in base64.
 *
 * @throws AuditKeyError naming what is wrong with it.
 */
export function parseAuditSigningKey(text: string): AuditSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = decode(text, 'pkcs8', (input) => createPrivateKey(input as PrivateKeyInput));
  } catch (error) {
    throw new AuditKeyError(`PALISADE_AUDIT_SIGNING_KEY is no PKCS#8 private key (PEM, or DER in base64): ${error instanceof AuditKeyError ? error.message : 'it does not parse'}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new AuditKeyError(`PALISADE_AUDIT_SIGNING_KEY must be an Ed25519 key, not ${privateKey.asymmetricKeyType ?? 'a symmetric key'}`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: auditKeyId(publicKey) };
}

/**
 * Reads an Ed25519 public key: SPKI PEM (`openssl pkey -pubout`, or `publicKey` of GET
 * /api/v1/audit/public-key), or the same DER in base64.
 *
 * @throws AuditKeyError naming what is wrong with it.
 */
export function parseAuditPublicKey(text: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = decode(text, 'spki', (input) => createPublicKey(input as PublicKeyInput));
  } catch (error) {
    throw new AuditKeyError(`not an SPKI public key (PEM, or DER in base64): ${error instanceof AuditKeyError ? error.message : 'it does not parse'}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new AuditKeyError(`an Ed25519 public key is needed, not ${publicKey.asymmetricKeyType ?? 'a symmetric key'}`);
  return publicKey;
}
