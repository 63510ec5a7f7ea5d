import { DomainException } from '@palisade/shared-types';

export enum PolicyVersionsErrorCode {
  VERSION_NOT_FOUND = 'VERSION_NOT_FOUND',
  /** An import is only for a cluster's first version; later versions come from merged proposals. */
  CLUSTER_ALREADY_HAS_VERSIONS = 'CLUSTER_ALREADY_HAS_VERSIONS',
  MANIFEST_INVALID = 'MANIFEST_INVALID',
  INVALID_CURSOR = 'INVALID_CURSOR',
  /** More documents than POLICY_SET_MAX_DOCUMENTS in one import or proposal. */
  TOO_MANY_POLICIES = 'TOO_MANY_POLICIES',
  /** Reading the policy set took longer than POLICY_SET_PARSE_TIMEOUT_MS (a crafted or pathological text). */
  POLICY_SET_TOO_SLOW_TO_READ = 'POLICY_SET_TOO_SLOW_TO_READ',
  /** The principal already has as many policy sets waiting to be read as it may. */
  POLICY_SETS_WAITING = 'POLICY_SETS_WAITING',
}

export class PolicyVersionsException extends DomainException<PolicyVersionsErrorCode> {}
