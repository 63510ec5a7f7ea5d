import type { Authenticator } from '@palisade/auth';
import { CommonErrorCode, DomainException, findUnsafeValue } from '@palisade/shared-types';
import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { hasRequestBody, readRequestBody } from './read-request-body.util';

/**
 * POST /graphql: authenticates from the Authorization header, then reads the JSON body (at most
 * `maxBytes`), so an unauthenticated request is answered 401 without its body being read. The
 * GraphQL context reuses the principal found here.
 */
export function graphqlBodyReader(authenticator: Authenticator, maxBytes: number): RequestHandler {
  const read = async (request: Request, response: Response): Promise<void> => {
    request.principal = await authenticator.authenticate(request.header('authorization'));
    if (request.is('application/json') === false) return; // the GraphQL server names what it takes
    const text = await readRequestBody(request, response, maxBytes, 'POLICY_SET_MAX_BYTES');
    try {
      request.body = JSON.parse(text) as unknown;
    } catch (error) {
      throw new BadRequestException(`request body is not valid JSON: ${(error as Error).message}`);
    }
    const problem = findUnsafeValue(request.body);
    if (problem) throw new DomainException(CommonErrorCode.VALIDATION_FAILED, problem.message, [problem]);
  };
  return (request: Request, response: Response, next: NextFunction) => {
    if (!hasRequestBody(request)) {
      next();
      return;
    }
    read(request, response).then(() => next(), next);
  };
}
