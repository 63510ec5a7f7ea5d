import { Authenticator } from '@palisade/auth';
import { Metrics, ROOT_LOGGER } from '@palisade/observability';
import { CommonErrorCode, DomainException, type ErrorDetail } from '@palisade/shared-types';
import { type INestApplication, type ValidationError } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { accessLog } from './common/access-log.middleware';
import { methodNotAllowed } from './common/method-not-allowed.middleware';
import { requestIdMiddleware } from './common/request-id.middleware';
import { RequestValuePipe, StrictValidationPipe } from './common/request-value.pipe';
import { securityHeaders } from './common/security-headers.middleware';
import { API_ENV } from './config/api-env.token';
import type { ApiEnv } from './config/env';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { setupOpenApi } from './openapi/openapi.setup';
import { graphqlBodyReader } from './request-body/graphql-body.middleware';
import { closeUnreadBodies } from './request-body/read-request-body.util';

function toDetails(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    return [
      ...Object.values(error.constraints ?? {}).map((message) => ({ path, message })),
      ...toDetails(error.children ?? [], path),
    ];
  });
}

/** Everything main.ts does to the app besides listening; tests call the same function. */
export function bootstrap(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  // First, so every response (refusals by the body readers included) has an id, headers and a log line.
  app.use(requestIdMiddleware);
  app.use(accessLog(app.get(ROOT_LOGGER), app.get(Metrics)));
  app.use(securityHeaders());
  app.use(methodNotAllowed(express));
  // REST bodies are read by RequestBodyInterceptor once the caller is authorised (the app is created
  // with bodyParser: false); one refused before that is answered without reading it, and its connection closed.
  app.use(closeUnreadBodies);
  app.use('/graphql', graphqlBodyReader(app.get(Authenticator), app.get<ApiEnv>(API_ENV).POLICY_SET_MAX_BYTES));
  express.disable('x-powered-by');
  app.useGlobalPipes(
    new RequestValuePipe(),
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // Custom body decorators (ProposalBody: JSON or YAML) are validated like @Body(); those typed by an interface are skipped.
      validateCustomDecorators: true,
      exceptionFactory: (errors) => {
        const details = toDetails(errors);
        return new DomainException(CommonErrorCode.VALIDATION_FAILED, details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
      },
    }),
  );
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  setupOpenApi(app, { rateLimitPerMinute: app.get<ApiEnv>(API_ENV).RATE_LIMIT_PER_MINUTE });
  return app;
}
