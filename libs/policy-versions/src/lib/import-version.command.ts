import type { NetworkPolicy } from '@palisade/netpol-engine';
import { type Caller, CommonErrorCode, DomainException } from '@palisade/shared-types';

import { parsePolicySetInput, type PolicySetInput } from './policy-set-input.util';

export class ImportVersionCommand {
  private constructor(
    readonly clusterName: string,
    readonly policies: NetworkPolicy[],
    readonly caller: Caller,
  ) {}

  /** @throws PolicyVersionsException MANIFEST_INVALID when any document is invalid. */
  static from(input: { clusterName: string; input: PolicySetInput; caller: Caller }): ImportVersionCommand {
    const policies = parsePolicySetInput(input.input);
    if (policies.length === 0) {
      throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'policies: an import needs at least one NetworkPolicy', [
        { path: 'policies', message: 'an import needs at least one NetworkPolicy' },
      ]);
    }
    return new ImportVersionCommand(input.clusterName, policies, input.caller);
  }
}
