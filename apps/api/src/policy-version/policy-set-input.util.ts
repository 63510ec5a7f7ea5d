import type { PolicySetInput } from '@palisade/policy-versions';
import { CommonErrorCode, DomainException } from '@palisade/shared-types';

import type { ImportVersionInput } from './import-version.input';

/** The policy set of an ImportVersionInput (REST or GraphQL): exactly one of policies or yaml. */
export function policySetInputOf(input: ImportVersionInput): PolicySetInput {
  if ((input.policies === undefined || input.policies === null) === (input.yaml === undefined || input.yaml === null)) {
    const message = 'give exactly one of policies or yaml';
    throw new DomainException(CommonErrorCode.VALIDATION_FAILED, message, [{ path: 'input', message }]);
  }
  return input.yaml != null ? { format: 'yaml', text: input.yaml } : { format: 'json', policies: input.policies ?? [] };
}
