import type { PolicyVersionsErrorCode } from '@palisade/policy-versions';
import type { ProposalsErrorCode } from '@palisade/proposals';
import type { CommonErrorCode } from '@palisade/shared-types';
import { SetMetadata } from '@nestjs/common';

/** The codes a REST 429 can carry (apps/api/src/errors/to-http.ts). */
export type TooManyRequestsCode = CommonErrorCode.RATE_LIMITED | PolicyVersionsErrorCode.POLICY_SETS_WAITING | ProposalsErrorCode.PROPOSAL_QUOTA_EXCEEDED;

export const TOO_MANY_REQUESTS_CODES = Symbol('TOO_MANY_REQUESTS_CODES');

/**
 * Documents the 429 codes a handler answers beyond those its metadata already implies (RATE_LIMITED
 * when it is not @Public() and RATE_LIMIT_PER_MINUTE is above 0, POLICY_SETS_WAITING when it reads a
 * policy set): both are added to every such operation by too-many-requests.util.ts, which also reads these.
 */
export const ApiTooManyRequests = (...codes: TooManyRequestsCode[]): MethodDecorator => SetMetadata(TOO_MANY_REQUESTS_CODES, codes);
