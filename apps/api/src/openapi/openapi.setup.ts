import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { ProblemModel } from './problem.model';
import { addTooManyRequestsResponses, operationIdOf, type TooManyRequestsOptions } from './too-many-requests.util';

/** The name of the bearer security scheme every authenticated operation requires. */
export const BEARER_SCHEME = 'bearer';

/**
 * Serves Swagger UI at /api/docs and the OpenAPI document at /api/docs/openapi.json. Swagger UI's
 * scripts and styles are served by this service (swagger-ui-dist), never fetched from elsewhere.
 */
export function setupOpenApi(app: INestApplication, options: TooManyRequestsOptions): void {
  const config = new DocumentBuilder()
    .setTitle('Palisade')
    .setDescription(
      'Change control for Kubernetes NetworkPolicies. Every operation but the health probes needs an API token: ' +
        '`Authorization: Bearer pal_...` (Authorize in Swagger UI). Errors are `application/problem+json` (RFC 9457) with a stable `code`.',
    )
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/', 'This service')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (pal_...): PALISADE_BOOTSTRAP_ADMIN_TOKEN, or one issued by POST /api/v1/tokens' }, BEARER_SCHEME)
    // The default, as the authentication guard's: public operations say `security: []`.
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemModel], operationIdFactory: operationIdOf });
  // 429s follow from the guards and the rate limit, not from each route's decorators.
  addTooManyRequestsResponses(app, document, options);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}
