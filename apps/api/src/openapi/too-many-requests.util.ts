import { PolicyVersionsErrorCode } from '@palisade/policy-versions';
import { ProposalsErrorCode } from '@palisade/proposals';
import { CommonErrorCode } from '@palisade/shared-types';
import type { INestApplication, Type } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { getSchemaPath, type OpenAPIObject, type OperationObject, type ResponseObject } from '@nestjs/swagger';

import { IS_PUBLIC } from '../auth/public.decorator';
import { POLICY_SETS_PER_PRINCIPAL } from '../policy-version/policy-set.parser';
import { BODY_ACCESS, type BodyAccess } from '../request-body/body-access.decorator';
import { PROBLEM_MEDIA_TYPE, problemExample } from './api-problem-responses.decorator';
import { TOO_MANY_REQUESTS_CODES, type TooManyRequestsCode } from './api-too-many-requests.decorator';
import { ProblemModel } from './problem.model';

/** What the 429 documentation follows from besides the handlers' metadata. */
export interface TooManyRequestsOptions {
  /** RATE_LIMIT_PER_MINUTE: requests per principal and minute; 0 (no limit) documents no RATE_LIMITED. */
  rateLimitPerMinute: number;
}

/** What each 429 code tells the client, and an example detail (RATE_LIMITED's with the configured limit). */
const tooManyRequestsTexts = (options: TooManyRequestsOptions): Record<TooManyRequestsCode, { means: string; detail: string }> => ({
  [CommonErrorCode.RATE_LIMITED]: {
    means: `this principal (all its tokens, REST and GraphQL together) made the ${options.rateLimitPerMinute} requests RATE_LIMIT_PER_MINUTE allows this minute on the API process that answered (each process counts its own); retry after Retry-After seconds`,
    detail: `too many requests: this principal may make ${options.rateLimitPerMinute} requests per 60 s; retry after 42 s`,
  },
  [PolicyVersionsErrorCode.POLICY_SETS_WAITING]: {
    means: `this principal already has ${POLICY_SETS_PER_PRINCIPAL} policy sets waiting to be read; send this one when one of them is answered`,
    detail: `${POLICY_SETS_PER_PRINCIPAL} policy sets of this principal are already waiting to be read (at most ${POLICY_SETS_PER_PRINCIPAL}); send this one when they are answered`,
  },
  [ProposalsErrorCode.PROPOSAL_QUOTA_EXCEEDED]: {
    means: 'the cluster or the author already has as many open proposals as PROPOSAL_QUOTA_PER_CLUSTER or PROPOSAL_QUOTA_PER_PRINCIPAL allow; merge, reject or withdraw some first (retrying alone does not help)',
    detail: 'cluster "prod" already has 1000 open proposals (PROPOSAL_QUOTA_PER_CLUSTER); merge, reject or withdraw some first',
  },
});

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** operationIds as @nestjs/swagger names them by default, given explicitly so operations can be traced back to their handlers. */
export const operationIdOf = (controllerKey: string, methodKey: string, version?: string): string =>
  version ? `${controllerKey}_${methodKey}_${version}` : `${controllerKey}_${methodKey}`;

/** The 429 codes a handler can answer, read off the metadata the guards and the body reader act on. */
function tooManyRequestsCodesOf(reflector: Reflector, controller: Type, handler: () => unknown, options: TooManyRequestsOptions): TooManyRequestsCode[] {
  const codes: TooManyRequestsCode[] = [];
  // PrincipalRateLimitGuard counts every request the authentication guard lets through with a principal (unless there is no limit).
  if (options.rateLimitPerMinute > 0 && !reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [handler, controller])) codes.push(CommonErrorCode.RATE_LIMITED);
  // A route reading a policy set hands it to PolicySetParser, where each principal takes turns.
  if (reflector.get<BodyAccess | undefined>(BODY_ACCESS, handler)?.limit === 'policySet') codes.push(PolicyVersionsErrorCode.POLICY_SETS_WAITING);
  codes.push(...(reflector.get<TooManyRequestsCode[] | undefined>(TOO_MANY_REQUESTS_CODES, handler) ?? []));
  return codes;
}

/** One 429 response for the given codes: the same problem+json schema as every error, one example per code. */
function tooManyRequestsResponse(codes: TooManyRequestsCode[], options: TooManyRequestsOptions): ResponseObject {
  const texts = tooManyRequestsTexts(options);
  return {
    description: ['Too many requests; `code` says which limit:', ...codes.map((code) => `- \`${code}\`: ${texts[code].means}`)].join('\n'),
    ...(codes.includes(CommonErrorCode.RATE_LIMITED)
      ? { headers: { 'Retry-After': { description: "With RATE_LIMITED: seconds until this principal's requests are counted afresh", schema: { type: 'integer', example: 42 } } } }
      : {}),
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema: { $ref: getSchemaPath(ProblemModel) },
        examples: Object.fromEntries(codes.map((code) => [code, { summary: code, value: problemExample(429, code, texts[code].detail) }])),
      },
    },
  };
}

/**
 * Adds a 429 response to every operation that can answer one, with the codes it can carry, from the
 * handlers' metadata (@Public(), @ReadsBodyAfter, @ApiTooManyRequests) and the rate limit, so a new route is documented
 * as the guards will treat it. The document must have been built with operationIdOf.
 */
export function addTooManyRequestsResponses(app: INestApplication, document: OpenAPIObject, options: TooManyRequestsOptions): void {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const codesByOperationId = new Map<string, TooManyRequestsCode[]>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as Type | null;
      if (!controller) continue;
      for (const method of scanner.getAllMethodNames(controller.prototype)) {
        codesByOperationId.set(operationIdOf(controller.name, method), tooManyRequestsCodesOf(reflector, controller, controller.prototype[method], options));
      }
    }
  }
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation: OperationObject | undefined = pathItem[method];
      if (!operation) continue;
      const codes = codesByOperationId.get(operation.operationId ?? '');
      // A programming error (an operationId not from operationIdOf): fail at start rather than document it wrong.
      if (!codes) throw new Error(`OpenAPI: no controller method for operation ${operation.operationId}`);
      if (codes.length > 0) operation.responses['429'] = tooManyRequestsResponse(codes, options);
    }
  }
}
