import { DomainException } from '@palisade/shared-types';

export enum PolicySyncErrorCode {
  /** The submitted connection is malformed (not one context, file paths, plugins, no https...). */
  CONNECTION_INVALID = 'CONNECTION_INVALID',
  /** The API server did not answer, or refused the credentials. */
  CONNECTION_CHECK_FAILED = 'CONNECTION_CHECK_FAILED',
  /** The credentials authenticate but lack permissions the worker needs. */
  CONNECTION_PERMISSIONS_MISSING = 'CONNECTION_PERMISSIONS_MISSING',
  /** The cluster has no connection yet. */
  CONNECTION_NOT_FOUND = 'CONNECTION_NOT_FOUND',
  /** A policy uses a field the cluster's API server cannot store (e.g. endPort before 1.22). */
  UNSUPPORTED_BY_CLUSTER = 'UNSUPPORTED_BY_CLUSTER',
  INVENTORY_NOT_FOUND = 'INVENTORY_NOT_FOUND',
  /** An uploaded inventory has malformed manifests, or NetworkPolicies (an inventory is not a policy set). */
  INVENTORY_INVALID = 'INVENTORY_INVALID',
  /** An uploaded inventory holds more objects than INVENTORY_UPLOAD_MAX_OBJECTS. */
  INVENTORY_TOO_MANY_OBJECTS = 'INVENTORY_TOO_MANY_OBJECTS',
  /** An uploaded inventory is larger than INVENTORY_UPLOAD_MAX_BYTES. */
  INVENTORY_TOO_LARGE = 'INVENTORY_TOO_LARGE',
}

export class PolicySyncException extends DomainException<PolicySyncErrorCode> {}
