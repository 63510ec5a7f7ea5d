import { AuditErrorCode } from '@palisade/audit';
import { AuthErrorCode } from '@palisade/auth';
import { ClustersErrorCode } from '@palisade/clusters';
import { PolicySyncErrorCode } from '@palisade/policy-sync';
import { PolicyVersionsErrorCode } from '@palisade/policy-versions';
import { ProposalsErrorCode } from '@palisade/proposals';
import { assertUnreachable, CommonErrorCode } from '@palisade/shared-types';
import { WebhooksErrorCode } from '@palisade/webhooks';
import { HttpStatus } from '@nestjs/common';

import { type ApiErrorCode, TransportErrorCode } from './api-error-code.type';

/** The HTTP status for every error code; a code added without a case here fails the build. */
export function toHttpStatus(code: ApiErrorCode): number {
  switch (code) {
    case CommonErrorCode.VALIDATION_FAILED:
    case PolicyVersionsErrorCode.MANIFEST_INVALID:
    case PolicyVersionsErrorCode.INVALID_CURSOR:
    case PolicyVersionsErrorCode.TOO_MANY_POLICIES:
    case TransportErrorCode.BAD_REQUEST:
    case PolicySyncErrorCode.CONNECTION_INVALID:
    case PolicySyncErrorCode.CONNECTION_CHECK_FAILED:
    case PolicySyncErrorCode.CONNECTION_PERMISSIONS_MISSING:
    case PolicySyncErrorCode.UNSUPPORTED_BY_CLUSTER:
    case ProposalsErrorCode.POLICY_NOT_IN_BASE:
    case PolicySyncErrorCode.INVENTORY_INVALID:
    case PolicySyncErrorCode.INVENTORY_TOO_MANY_OBJECTS:
      return HttpStatus.BAD_REQUEST;
    case AuthErrorCode.UNAUTHENTICATED:
      return HttpStatus.UNAUTHORIZED;
    case ClustersErrorCode.CLUSTER_NOT_FOUND:
    case PolicyVersionsErrorCode.VERSION_NOT_FOUND:
    case TransportErrorCode.ROUTE_NOT_FOUND:
    case PolicySyncErrorCode.CONNECTION_NOT_FOUND:
    case PolicySyncErrorCode.INVENTORY_NOT_FOUND:
    case AuthErrorCode.TOKEN_NOT_FOUND:
    case ProposalsErrorCode.PROPOSAL_NOT_FOUND:
    case ProposalsErrorCode.APPROVAL_RULE_NOT_FOUND:
    case ProposalsErrorCode.ANALYSIS_NOT_FOUND:
    case WebhooksErrorCode.WEBHOOK_NOT_FOUND:
    case WebhooksErrorCode.WEBHOOK_DELIVERY_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case AuditErrorCode.AUDIT_SIGNING_KEY_MISSING:
    case ClustersErrorCode.CLUSTER_ALREADY_EXISTS:
    case PolicyVersionsErrorCode.CLUSTER_ALREADY_HAS_VERSIONS:
    case TransportErrorCode.CONFLICT:
    case AuthErrorCode.PRINCIPAL_KIND_MISMATCH:
    case AuthErrorCode.PRINCIPAL_ALREADY_EXISTS:
    case ProposalsErrorCode.IDEMPOTENCY_KEY_REUSED:
    case ProposalsErrorCode.PROPOSAL_CLOSED:
    case ProposalsErrorCode.PROPOSAL_NOT_APPROVED:
    case ProposalsErrorCode.PROPOSAL_ALREADY_MERGED:
    case ProposalsErrorCode.PROPOSAL_CONFLICTED:
    case ProposalsErrorCode.ANALYSIS_PENDING:
    case ProposalsErrorCode.ANALYSIS_FAILED:
    case ProposalsErrorCode.ANALYSIS_CHANGED:
      return HttpStatus.CONFLICT;
    case ProposalsErrorCode.PROPOSAL_HAS_NO_EFFECT:
    case PolicyVersionsErrorCode.POLICY_SET_TOO_SLOW_TO_READ:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case CommonErrorCode.FORBIDDEN:
    case ProposalsErrorCode.SELF_APPROVAL_FORBIDDEN:
    case AuthErrorCode.PRINCIPAL_CREATION_FORBIDDEN:
    case AuthErrorCode.APPROVER_GROUPS_FORBIDDEN:
    case AuthErrorCode.PRINCIPAL_NOT_OWNED:
      return HttpStatus.FORBIDDEN;
    case TransportErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case TransportErrorCode.PAYLOAD_TOO_LARGE:
    case PolicySyncErrorCode.INVENTORY_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case CommonErrorCode.RATE_LIMITED:
    case PolicyVersionsErrorCode.POLICY_SETS_WAITING:
    case ProposalsErrorCode.PROPOSAL_QUOTA_EXCEEDED:
      return HttpStatus.TOO_MANY_REQUESTS;
    case TransportErrorCode.INTERNAL_ERROR:
      return HttpStatus.INTERNAL_SERVER_ERROR;
    case CommonErrorCode.SERVICE_UNAVAILABLE:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case TransportErrorCode.METHOD_NOT_ALLOWED:
      return HttpStatus.METHOD_NOT_ALLOWED;
    default:
      return assertUnreachable(code);
  }
}
