import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';

import { ProblemModel } from './problem.model';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The error statuses REST answers, each documented with an example problem. */
const PROBLEMS = {
  400: { description: 'The request is invalid; `errors` names each field', code: 'VALIDATION_FAILED', detail: 'title: title must be a string', errors: [{ path: 'title', message: 'title must be a string' }] },
  401: { description: 'No token, or one that is invalid, expired or revoked (WWW-Authenticate: Bearer)', code: 'UNAUTHENTICATED', detail: 'authentication required: send Authorization: Bearer <token>' },
  403: { description: "The token's roles or cluster scope do not allow this", code: 'FORBIDDEN', detail: 'only the author, an approver or an admin may merge a proposal' },
  404: { description: 'The resource does not exist, or is outside the token\'s cluster scope', code: 'CLUSTER_NOT_FOUND', detail: 'cluster "prod" not found' },
  409: { description: 'The resource is not in a state that allows this, or already exists', code: 'PROPOSAL_CLOSED', detail: 'proposal 0b6e4c1a-7f0d-4b8e-9a51-3c2d8e7f6a10 is MERGED and cannot be withdrawn' },
  413: { description: 'The body is larger than the configured limit', code: 'PAYLOAD_TOO_LARGE', detail: 'request entity too large' },
  415: { description: 'The Content-Type is none of those this operation consumes', code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Content-Type must be application/json or application/yaml' },
  422: { description: 'The request cannot be carried out as sent: the change would leave the base version as it is (PROPOSAL_HAS_NO_EFFECT), or the policy set took longer than POLICY_SET_PARSE_TIMEOUT_MS to read (POLICY_SET_TOO_SLOW_TO_READ)', code: 'PROPOSAL_HAS_NO_EFFECT', detail: 'the new changes leave version 3 as it is (same canonical content)' },
  503: { description: 'The database is unreachable or its schema is behind; retry later', code: 'SERVICE_UNAVAILABLE', detail: 'database unreachable' },
} as const;

export type ProblemStatus = keyof typeof PROBLEMS;

function titleOf(code: string): string {
  const words = code.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An example problem as REST answers it (apps/api/src/errors/to-problem.ts), without instance and requestId. */
export function problemExample(status: number, code: string, detail: string, rest: object = {}): Record<string, unknown> {
  return { type: `urn:palisade:problem:${code.toLowerCase().replace(/_/g, '-')}`, title: titleOf(code), status, detail, code, ...rest };
}

/**
 * Documents `application/problem+json` responses (RFC 9457, schema ProblemModel) for the given statuses,
 * each with an example. On a controller it applies to every operation; on a handler it adds to those.
 */
export function ApiProblemResponses(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemModel),
    ...statuses.map((status) => {
      const { description, code, detail, ...rest } = PROBLEMS[status];
      const example = problemExample(status, code, detail, rest);
      return ApiResponse({ status, description, content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemModel) }, example } } });
    }),
  );
}
