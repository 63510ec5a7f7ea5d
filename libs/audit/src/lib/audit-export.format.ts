import type { KeyObject } from 'node:crypto';

import type { AuditEventRecord } from '@palisade/persistence';

import { AuditChainVerifier, type AuditChainProblem } from './audit-chain-verifier';
import type { AuditCheckpoint } from './audit-checkpoint.util';
import { auditEventHash } from './audit-hash.util';

export const AUDIT_EXPORT_FORMAT = 'palisade-audit-export/1';

/**
 * The lines of `GET /api/v1/audit/export` (JSON Lines), in this order: one `export` line, then the
 * `checkpoint` lines (unscoped exports only), then the `event` lines in seq order.
 */
export interface AuditExportHeaderLine {
  type: 'export';
  format: typeof AUDIT_EXPORT_FORMAT;
  exportedAt: string;
  /** null: every event; otherwise only these clusters' events, without checkpoints or head. */
  scope: string[] | null;
  headSeq: number | null;
  headHash: string | null;
  /** Informational: verify with a public key obtained separately, never with this one. */
  keyId: string | null;
}

export interface AuditExportCheckpointLine {
  type: 'checkpoint';
  number: number;
  seq: number;
  hash: string;
  time: string;
  keyId: string;
  signature: string;
}

/** An event with every field its hash covers. */
export interface AuditExportEventLine {
  type: 'event';
  id: string;
  seq: number;
  createdAt: string;
  actor: AuditEventRecord['actor'];
  action: string;
  clusterId: string | null;
  clusterName: string | null;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  request: AuditEventRecord['request'];
  prevHash: string;
  hash: string;
}

export function toExportEventLine(event: AuditEventRecord): AuditExportEventLine {
  return { type: 'event', ...event, createdAt: event.createdAt.toISOString() };
}

export function toExportCheckpointLine(checkpoint: AuditCheckpoint): AuditExportCheckpointLine {
  return { type: 'checkpoint', ...checkpoint, time: checkpoint.time.toISOString() };
}

/** What `palisade audit verify` found in an export. */
export interface AuditExportVerification {
  ok: boolean;
  scope: string[] | null;
  eventsChecked: number;
  checkpointsChecked: number;
  anchoredSeq: number | null;
  headSeq: number | null;
  /** The first problem: a broken link, or a line that is not part of a valid export. */
  problem: { line: number; reason: AuditChainProblem['reason'] | 'EXPORT_INVALID'; seq: number | null; message: string } | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const isDate = (value: unknown): value is string => isString(value) && !Number.isNaN(new Date(value).getTime());

function toCheckpoint(value: Record<string, unknown>): AuditCheckpoint | null {
  const { number, seq, hash, time, keyId, signature } = value;
  if (!isSeq(number) || !isSeq(seq) || !isString(hash) || !isDate(time) || !isString(keyId) || !isString(signature)) return null;
  return { number, seq, hash, time: new Date(time), keyId, signature };
}

function toEvent(value: Record<string, unknown>): AuditEventRecord | null {
  const { id, seq, createdAt, actor, action, clusterId, clusterName, subjectType, subjectId, before, after, request, prevHash, hash } = value;
  const nullableString = (v: unknown): v is string | null => v === null || isString(v);
  if (!isString(id) || !isSeq(seq) || !isDate(createdAt) || !isObject(actor) || !isString(action) || !nullableString(clusterId) || !nullableString(clusterName)) return null;
  if (!isString(subjectType) || !isString(subjectId) || !isString(prevHash) || !isString(hash)) return null;
  if (!nullableString(actor['id']) || !isString(actor['name']) || !isString(actor['kind'])) return null;
  if (request !== null && !(isObject(request) && isString(request['requestId']) && nullableString(request['clientAddress']))) return null;
  return {
    id,
    seq,
    createdAt: new Date(createdAt),
    actor: { id: actor['id'], name: actor['name'], kind: actor['kind'] as AuditEventRecord['actor']['kind'] },
    action,
    clusterId,
    clusterName,
    subjectType,
    subjectId,
    before: before ?? null,
    after: after ?? null,
    request: request === null ? null : { requestId: request['requestId'] as string, clientAddress: request['clientAddress'] as string | null },
    prevHash,
    hash,
  };
}

/**
 * Checks an export offline, line by line (memory stays flat for any size). An unscoped export is
 * checked like `GET /api/v1/audit/verify`: every link, and every checkpoint's signature against
 * `publicKey` and its hash against the chain. A scoped export holds only some clusters' events, so
 * only each event's own hash and their order are checked; it carries no checkpoints.
 */
export async function verifyAuditExport(lines: AsyncIterable<string>, publicKey: KeyObject): Promise<AuditExportVerification> {
  let header: AuditExportHeaderLine | null = null;
  const checkpoints: AuditCheckpoint[] = [];
  let verifier: AuditChainVerifier | null = null;
  let scopedChecked = 0;
  let lastScopedSeq = 0;
  let lineNumber = 0;
  const result = (problem: AuditExportVerification['problem']): AuditExportVerification => ({
    ok: problem === null,
    scope: header?.scope ?? null,
    eventsChecked: verifier ? verifier.checked : scopedChecked,
    checkpointsChecked: verifier?.checkpointsChecked ?? 0,
    anchoredSeq: verifier?.anchoredSeq ?? null,
    headSeq: header?.headSeq ?? null,
    problem,
  });
  const invalid = (message: string): AuditExportVerification => result({ line: lineNumber, reason: 'EXPORT_INVALID', seq: null, message });
  const broken = (problem: AuditChainProblem): AuditExportVerification => result({ line: lineNumber, reason: problem.reason, seq: problem.seq, message: problem.message });

  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return invalid(`line ${lineNumber} is not JSON`);
    }
    if (!isObject(value)) return invalid(`line ${lineNumber} is not a JSON object`);
    if (header === null) {
      if (value['type'] !== 'export' || value['format'] !== AUDIT_EXPORT_FORMAT) return invalid(`line 1 is not the header of a ${AUDIT_EXPORT_FORMAT} export`);
      const scope = value['scope'];
      if (scope !== null && !(Array.isArray(scope) && scope.every(isString))) return invalid('the header\'s scope is neither null nor a list of clusters');
      header = value as unknown as AuditExportHeaderLine;
      continue;
    }
    if (value['type'] === 'checkpoint') {
      if (header.scope !== null) return invalid(`line ${lineNumber}: a scoped export carries no checkpoints`);
      if (verifier) return invalid(`line ${lineNumber}: checkpoints come before the events`);
      const checkpoint = toCheckpoint(value);
      if (!checkpoint) return invalid(`line ${lineNumber} is not a valid checkpoint`);
      checkpoints.push(checkpoint);
      continue;
    }
    if (value['type'] !== 'event') return invalid(`line ${lineNumber} has an unknown type ${JSON.stringify(value['type'])}`);
    const event = toEvent(value);
    if (!event) return invalid(`line ${lineNumber} is not a valid event`);
    if (header.scope !== null) {
      if (event.seq <= lastScopedSeq) return invalid(`line ${lineNumber}: event ${event.seq} comes after event ${lastScopedSeq}`);
      if (auditEventHash(event.prevHash, event) !== event.hash) {
        return broken({ seq: event.seq, eventId: event.id, reason: 'HASH_MISMATCH', message: `event ${event.seq} was altered: its content no longer matches its hash` });
      }
      lastScopedSeq = event.seq;
      scopedChecked++;
      continue;
    }
    verifier ??= new AuditChainVerifier(checkpoints, publicKey);
    if (!verifier.add(event)) return broken(verifier.firstProblem as AuditChainProblem);
  }
  if (header === null) return invalid('the file is empty: no export header');
  if (header.scope !== null) return result(null);
  verifier ??= new AuditChainVerifier(checkpoints, publicKey);
  const head = isSeq(header.headSeq) && isString(header.headHash) ? { lastSeq: header.headSeq, lastHash: header.headHash } : header.headSeq === 0 ? { lastSeq: 0, lastHash: verifier.last.hash } : null;
  const problem = verifier.finish(head);
  return problem ? broken(problem) : result(null);
}
