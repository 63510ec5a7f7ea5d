import { CommonErrorCode, DomainException } from '@palisade/shared-types';
import { createParamDecorator, type ExecutionContext, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * The body of POST /clusters/{name}/versions/import as ImportVersionInput's fields, validated by the
 * global ValidationPipe like any @Body(): a JSON object as sent, or YAML documents as `yaml`.
 */
export const PolicySetBody = createParamDecorator((_: unknown, context: ExecutionContext): Record<string, unknown> => {
  const request = context.switchToHttp().getRequest<Request>();
  if (request.is(YAML_MEDIA_TYPES)) return { yaml: typeof request.body === 'string' ? request.body : '' };
  if (!request.is('application/json')) {
    throw new UnsupportedMediaTypeException('Content-Type must be application/json ({"policies": [...]}) or application/yaml (NetworkPolicy documents)');
  }
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'body must be an object {"policies": [...]}', [{ path: '', message: 'must be an object {"policies": [...]}' }]);
  }
  return body as Record<string, unknown>;
});
