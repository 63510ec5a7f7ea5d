import type { Caller } from '@palisade/shared-types';

import type { ClusterCredentials } from './cluster-credentials.type';
import { parseConnectionInput } from './parse-connection-input.util';

export class SaveConnectionCommand {
  private constructor(
    readonly clusterName: string,
    readonly credentials: ClusterCredentials,
    readonly caller: Caller,
  ) {}

  /** @throws PolicySyncException CONNECTION_INVALID naming every problem with the input. */
  static from(input: { clusterName: string; connection: unknown; caller: Caller }): SaveConnectionCommand {
    return new SaveConnectionCommand(input.clusterName, parseConnectionInput(input.connection), input.caller);
  }
}
