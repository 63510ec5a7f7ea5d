import { ClustersErrorCode } from '@palisade/clusters';
import { PolicyVersionsErrorCode } from '@palisade/policy-versions';
import { assertUnreachable, CommonErrorCode } from '@palisade/shared-types';
import { HttpStatus } from '@nestjs/common';

import { type ApiErrorCode, TransportErrorCode } from './api-error-code.type';

/** The HTTP status for every error code; a code added without a case here fails the build. */
export function toHttpStatus(code: ApiErrorCode): number {
  switch (code) {
    case CommonErrorCode.VALIDATION_FAILED:
    case PolicyVersionsErrorCode.MANIFEST_INVALID:
    case PolicyVersionsErrorCode.INVALID_CURSOR:
    case TransportErrorCode.BAD_REQUEST:
      return HttpStatus.BAD_REQUEST;
    case ClustersErrorCode.CLUSTER_NOT_FOUND:
    case PolicyVersionsErrorCode.VERSION_NOT_FOUND:
    case TransportErrorCode.ROUTE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case ClustersErrorCode.CLUSTER_ALREADY_EXISTS:
    case PolicyVersionsErrorCode.CLUSTER_ALREADY_HAS_VERSIONS:
    case TransportErrorCode.CONFLICT:
      return HttpStatus.CONFLICT;
    case TransportErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case TransportErrorCode.PAYLOAD_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case TransportErrorCode.INTERNAL_ERROR:
      return HttpStatus.INTERNAL_SERVER_ERROR;
    default:
      return assertUnreachable(code);
  }
}
