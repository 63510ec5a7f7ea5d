import { GraphQLError } from 'graphql';

import type { ApiError } from './api-error';

/** GraphQL carries the same stable code as REST, in `extensions.code`. */
export function toGraphqlError(error: ApiError, requestId: string | undefined): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      status: error.status,
      ...(error.details.length > 0 ? { details: error.details } : {}),
      ...(requestId ? { requestId } : {}),
    },
  });
}
