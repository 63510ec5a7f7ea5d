import { AuditErrorCode } from '@palisade/audit';
import { AuthErrorCode } from '@palisade/auth';
import { ClustersErrorCode } from '@palisade/clusters';
import { PolicySyncErrorCode } from '@palisade/policy-sync';
import { PolicyVersionsErrorCode } from '@palisade/policy-versions';
import { ProposalsErrorCode } from '@palisade/proposals';
import { CommonErrorCode } from '@palisade/shared-types';
import { WebhooksErrorCode } from '@palisade/webhooks';

/** Codes raised by the transport itself rather than a use case. */
export enum TransportErrorCode {
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  BAD_REQUEST = 'BAD_REQUEST',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  CONFLICT = 'CONFLICT',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

/** Every code a response can carry; to-http.ts and to-graphql.ts must map each one. */
export type ApiErrorCode =
  | CommonErrorCode
  | AuditErrorCode
  | AuthErrorCode
  | ClustersErrorCode
  | PolicySyncErrorCode
  | PolicyVersionsErrorCode
  | ProposalsErrorCode
  | WebhooksErrorCode
  | TransportErrorCode;

export const ALL_API_ERROR_CODES: readonly ApiErrorCode[] = [
  ...Object.values(CommonErrorCode),
  ...Object.values(AuditErrorCode),
  ...Object.values(AuthErrorCode),
  ...Object.values(ClustersErrorCode),
  ...Object.values(PolicySyncErrorCode),
  ...Object.values(PolicyVersionsErrorCode),
  ...Object.values(ProposalsErrorCode),
  ...Object.values(WebhooksErrorCode),
  ...Object.values(TransportErrorCode),
];
