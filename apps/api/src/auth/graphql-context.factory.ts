import { type Authenticator, AuthException } from '@palisade/auth';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';

/**
 * Authenticates a GraphQL request before any field runs, so a missing or bad token is an HTTP 401
 * for /graphql as for REST (introspection included).
 */
export function graphqlContext(authenticator: Authenticator) {
  return async ({ req }: { req: Request }): Promise<{ req: Request }> => {
    try {
      req.principal ??= await authenticator.authenticate(req.header('authorization'));
    } catch (error) {
      if (error instanceof AuthException) {
        throw new GraphQLError(error.message, { extensions: { code: error.code, status: 401, http: { status: 401 } } });
      }
      throw error;
    }
    return { req };
  };
}
