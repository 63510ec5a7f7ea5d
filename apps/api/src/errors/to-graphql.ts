import { GraphQLError } from 'graphql';

import { type ApiError, listedDetails } from './api-error';

/** GraphQL carries the same stable code as REST, in `extensions.code`. */
export function toGraphqlError(error: ApiError, requestId: string | undefined): GraphQLError {
  const { listed, errorCount } = listedDetails(error.details);
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      status: error.status,
      ...(listed.length > 0 ? { details: listed } : {}),
      ...(errorCount !== undefined ? { errorCount } : {}),
      ...(requestId ? { requestId } : {}),
    },
  });
}
