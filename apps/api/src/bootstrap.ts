import { CommonErrorCode, DomainException, type ErrorDetail } from '@palisade/shared-types';
import { type INestApplication, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { requestIdMiddleware } from './common/request-id.middleware';
import { API_ENV } from './config/api-env.token';
import type { ApiEnv } from './config/env';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { inventoryBodyParser } from './inventory/inventory-body.parser';
import { YAML_MEDIA_TYPES } from './policy-version/policy-set-input.from-request';

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
  // Inventory uploads first: read as text under their own limit, and left alone by the parsers below.
  app.use(inventoryBodyParser(app.get<ApiEnv>(API_ENV).INVENTORY_UPLOAD_MAX_BYTES));
  // Policy sets of thousands of manifests exceed the parsers' 100 kB default.
  express.useBodyParser('json', { limit: '20mb' });
  express.useBodyParser('text', { type: YAML_MEDIA_TYPES, limit: '20mb' });
  express.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const details = toDetails(errors);
        return new DomainException(CommonErrorCode.VALIDATION_FAILED, details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
      },
    }),
  );
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Palisade')
      .setDescription('Change control for Kubernetes NetworkPolicies')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
