import type { EndpointMatch, NetworkProtocol, OpenConnectionPosition } from '@palisade/persistence';
import { type Caller, decodeCursor, type ErrorDetail } from '@palisade/shared-types';

import { checkLimit, type ConnectionFilterInput, parseConnectionFilter, throwIfProblems } from './connection-filter.util';

/** The cursor of the open-connections listing: [openedSeq, portFrom] of the last item returned. */
const isPosition = (value: unknown): value is [number, number] =>
  Array.isArray(value) &&
  value.length === 2 &&
  Number.isSafeInteger(value[0]) &&
  (value[0] as number) > 0 &&
  Number.isInteger(value[1]) &&
  (value[1] as number) >= 1 &&
  (value[1] as number) <= 65535;

export interface OpenConnectionsQueryInput extends ConnectionFilterInput {
  cursor?: string | null;
  limit: number;
}

/** A query for the connections open at the head, validated. */
export class OpenConnectionsQueryCommand {
  private constructor(
    readonly caller: Caller,
    readonly cluster: string | undefined,
    readonly from: EndpointMatch | undefined,
    readonly to: EndpointMatch | undefined,
    readonly port: number | undefined,
    readonly protocol: NetworkProtocol | undefined,
    readonly after: OpenConnectionPosition | undefined,
    readonly limit: number,
  ) {}

  static from(input: OpenConnectionsQueryInput & { caller: Caller }): OpenConnectionsQueryCommand {
    const problems: ErrorDetail[] = [];
    const filter = parseConnectionFilter(input, problems);
    let after: OpenConnectionPosition | undefined;
    if (input.cursor) {
      const position = decodeCursor(String(input.cursor), isPosition);
      if (position === undefined) problems.push({ path: 'cursor', message: 'cursor is not one this API returned' });
      else after = { openedSeq: position[0], portFrom: position[1] };
    }
    checkLimit(input.limit, problems);
    throwIfProblems(problems);
    return new OpenConnectionsQueryCommand(input.caller, filter.cluster, filter.from, filter.to, filter.port, filter.protocol, after, input.limit);
  }
}
