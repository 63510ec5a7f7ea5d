import { ClustersErrorCode } from '@palisade/clusters';
import { PolicyVersionsErrorCode } from '@palisade/policy-versions';
import { CommonErrorCode } from '@palisade/shared-types';

/** Codes raised by the transport itself rather than a use case. */
export enum TransportErrorCode {
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  BAD_REQUEST = 'BAD_REQUEST',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  CONFLICT = 'CONFLICT',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

/** Every code a response can carry; to-http.ts and to-graphql.ts must map each one. */
export type ApiErrorCode = CommonErrorCode | ClustersErrorCode | PolicyVersionsErrorCode | TransportErrorCode;

export const ALL_API_ERROR_CODES: readonly ApiErrorCode[] = [
  ...Object.values(CommonErrorCode),
  ...Object.values(ClustersErrorCode),
  ...Object.values(PolicyVersionsErrorCode),
  ...Object.values(TransportErrorCode),
];
