import { type Authenticator, AuthException } from '@palisade/auth';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';

import type { GraphqlRequestParams, QueryBudget } from '../graphql/query-budget';

/** The operation of a POST body or of a GET query string (whose variables are a JSON string). */
function requestParams(req: Request): GraphqlRequestParams {
  if (req.method === 'GET') {
    const { query, variables, operationName } = req.query as Record<string, unknown>;
    let parsed: unknown;
    try {
      parsed = typeof variables === 'string' ? JSON.parse(variables) : undefined;
    } catch {
      parsed = undefined;
    }
    return { query, variables: parsed, operationName };
  }
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as GraphqlRequestParams) : {};
}

/**
 * Authenticates a GraphQL request before any field runs, so a missing or bad token is an HTTP 401
 * for /graphql as for REST (introspection included); then holds the operation to the query budget,
 * before Apollo parses, validates or runs it.
 */
export function graphqlContext(authenticator: Authenticator, budget: QueryBudget) {
  return async ({ req }: { req: Request }): Promise<{ req: Request }> => {
    try {
      req.principal ??= await authenticator.authenticate(req.header('authorization'));
    } catch (error) {
      if (error instanceof AuthException) {
        throw new GraphQLError(error.message, { extensions: { code: error.code, status: 401, http: { status: 401 } } });
      }
      throw error;
    }
    const refusal = budget.check(requestParams(req));
    if (refusal) throw refusal;
    return { req };
  };
}
