import { type KeyObject, sign, verify } from 'node:crypto';

import { canonicalJson } from '@palisade/netpol-engine';

import { auditKeyId } from './audit-signing-key.util';

/** A signed statement: event `seq` of the audit chain had hash `hash` at `time`. */
export interface AuditCheckpoint {
  /** 1, 2, 3... without gaps: a removed checkpoint leaves a hole. */
  number: number;
  seq: number;
  hash: string;
  time: Date;
  keyId: string;
  /** Ed25519 over `auditCheckpointMessage`, base64. */
  signature: string;
}

/**
 * The bytes a checkpoint's signature covers: a fixed prefix, then the canonical JSON of
 * `{hash, number, seq, time}` (keys sorted, `time` in ISO 8601 with milliseconds).
 *
 * @example auditCheckpointMessage({ number: 1, seq: 42, hash: 'ab…', time: new Date('2026-12-05T04:00:00Z') })
 * // 'palisade-audit-checkpoint/1\n{"hash":"ab…","number":1,"seq":42,"time":"2026-12-05T04:00:00.000Z"}'
 */
export function auditCheckpointMessage(checkpoint: Pick<AuditCheckpoint, 'number' | 'seq' | 'hash' | 'time'>): Buffer {
  const body = canonicalJson({ hash: checkpoint.hash, number: checkpoint.number, seq: checkpoint.seq, time: checkpoint.time.toISOString() });
  return Buffer.from(`palisade-audit-checkpoint/1\n${body}`, 'utf8');
}

export function signAuditCheckpoint(unsigned: Pick<AuditCheckpoint, 'number' | 'seq' | 'hash' | 'time'>, privateKey: KeyObject, publicKey: KeyObject): AuditCheckpoint {
  return { ...unsigned, keyId: auditKeyId(publicKey), signature: sign(null, auditCheckpointMessage(unsigned), privateKey).toString('base64') };
}

/** Whether `publicKey` signed this checkpoint as it reads now. */
export function auditCheckpointSignatureValid(checkpoint: AuditCheckpoint, publicKey: KeyObject): boolean {
  if (checkpoint.keyId !== auditKeyId(publicKey)) return false;
  try {
    return verify(null, auditCheckpointMessage(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}
