import { type Caller, CommonErrorCode, decodeCursor, DomainException, type ErrorDetail, parseInstant } from '@palisade/shared-types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

export interface AuditQueryInput {
  cluster?: string;
  /** A principal's name, or its id (a UUID). */
  actor?: string;
  action?: string;
  subject?: string;
  /** ISO 8601 instants; `from` inclusive, `to` exclusive. */
  from?: string | Date;
  to?: string | Date;
  cursor?: string;
  limit: number;
}

/** An audit query, validated: dates parsed, the cursor decoded, the actor split into id or name. */
export class AuditQueryCommand {
  private constructor(
    readonly caller: Caller,
    readonly cluster: string | undefined,
    readonly actorId: string | undefined,
    readonly actorName: string | undefined,
    readonly action: string | undefined,
    readonly subject: string | undefined,
    readonly from: Date | undefined,
    readonly to: Date | undefined,
    readonly beforeSeq: number | undefined,
    readonly limit: number,
  ) {}

  static from(input: AuditQueryInput & { caller: Caller }): AuditQueryCommand {
    const problems: ErrorDetail[] = [];
    const from = parseInstant('from', input.from, problems);
    const to = parseInstant('to', input.to, problems);
    let beforeSeq: number | undefined;
    if (input.cursor) {
      beforeSeq = decodeCursor(input.cursor, isSeq);
      if (beforeSeq === undefined) problems.push({ path: 'cursor', message: 'cursor is not one this API returned' });
    }
    if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > 500) {
      problems.push({ path: 'limit', message: 'limit must be an integer between 1 and 500' });
    }
    if (problems.length > 0) {
      throw new DomainException(CommonErrorCode.VALIDATION_FAILED, problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
    }
    const blank = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);
    const actor = blank(input.actor);
    return new AuditQueryCommand(
      input.caller,
      blank(input.cluster),
      actor !== undefined && UUID.test(actor) ? actor : undefined,
      actor !== undefined && !UUID.test(actor) ? actor : undefined,
      blank(input.action),
      blank(input.subject),
      from,
      to,
      beforeSeq,
      input.limit,
    );
  }
}
