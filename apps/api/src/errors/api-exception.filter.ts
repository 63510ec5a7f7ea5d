import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { GqlArgumentsHost, type GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';

import { INTERNAL_ERROR, toApiError } from './api-error';
import { toGraphqlError } from './to-graphql';
import { toProblem } from './to-problem';

/**
 * The one place errors leave the API: REST gets application/problem+json (RFC 9457), GraphQL an
 * error with the same code. Unexpected failures are logged with the request id and never leak details.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const isGraphql = host.getType<GqlContextType>() === 'graphql';
    const request: Request | undefined = isGraphql
      ? GqlArgumentsHost.create(host).getContext<{ req?: Request }>().req
      : host.switchToHttp().getRequest<Request>();
    const requestId = request?.requestId;
    let error = toApiError(exception);
    if (!error) {
      this.logger.error(
        `request ${requestId ?? '-'} failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
      error = INTERNAL_ERROR;
    }
    if (isGraphql) return toGraphqlError(error, requestId);
    const response = host.switchToHttp().getResponse<Response>();
    if (error.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="palisade"');
    if (request?.path === '/graphql') {
      // Refused before GraphQL ran (no token, a body over its limit or not JSON): still a GraphQL response, with
      // the same code in extensions, so GraphQL clients read it as they read any other error.
      response.status(error.status).type('application/json').send(JSON.stringify({ errors: [toGraphqlError(error, requestId).toJSON()] }));
      return undefined;
    }
    response.status(error.status).type('application/problem+json').send(JSON.stringify(toProblem(error, request, requestId)));
    return undefined;
  }
}
