import type { ConnectionChangeKind, EndpointMatch, NetworkProtocol } from '@palisade/persistence';
import { type Caller, decodeCursor, type ErrorDetail, parseInstant } from '@palisade/shared-types';

import { checkLimit, type ConnectionFilterInput, parseConnectionFilter, throwIfProblems } from './connection-filter.util';

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

export interface ConnectionHistoryQueryInput extends ConnectionFilterInput {
  /** `opened` or `closed` (any case). */
  change?: string | null;
  /** ISO 8601 instants: `since` inclusive, `until` exclusive. */
  since?: string | Date | null;
  until?: string | Date | null;
  cursor?: string | null;
  limit: number;
}

/** A connection history query, validated: endpoints parsed, dates read, the cursor decoded. */
export class ConnectionHistoryQueryCommand {
  private constructor(
    readonly caller: Caller,
    readonly cluster: string | undefined,
    readonly from: EndpointMatch | undefined,
    readonly to: EndpointMatch | undefined,
    readonly port: number | undefined,
    readonly protocol: NetworkProtocol | undefined,
    readonly change: ConnectionChangeKind | undefined,
    readonly since: Date | undefined,
    readonly until: Date | undefined,
    readonly beforeSeq: number | undefined,
    readonly limit: number,
  ) {}

  static from(input: ConnectionHistoryQueryInput & { caller: Caller }): ConnectionHistoryQueryCommand {
    const problems: ErrorDetail[] = [];
    const filter = parseConnectionFilter(input, problems);
    let change: ConnectionChangeKind | undefined;
    if (input.change !== undefined && input.change !== null && input.change !== '') {
      const upper = String(input.change).trim().toUpperCase();
      if (upper === 'OPENED' || upper === 'CLOSED') change = upper;
      else problems.push({ path: 'change', message: 'change must be opened or closed' });
    }
    const since = parseInstant('since', input.since, problems);
    const until = parseInstant('until', input.until, problems);
    if (since && until && since.getTime() >= until.getTime()) problems.push({ path: 'until', message: 'until must be later than since' });
    let beforeSeq: number | undefined;
    if (input.cursor) {
      beforeSeq = decodeCursor(String(input.cursor), isSeq);
      if (beforeSeq === undefined) problems.push({ path: 'cursor', message: 'cursor is not one this API returned' });
    }
    checkLimit(input.limit, problems);
    throwIfProblems(problems);
    return new ConnectionHistoryQueryCommand(
      input.caller,
      filter.cluster,
      filter.from,
      filter.to,
      filter.port,
      filter.protocol,
      change,
      since,
      until,
      beforeSeq,
      input.limit,
    );
  }
}
