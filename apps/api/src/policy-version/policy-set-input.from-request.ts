import type { PolicySetInput } from '@palisade/policy-versions';
import { CommonErrorCode, DomainException } from '@palisade/shared-types';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** JSON `{policies: [...]}` must be exactly that shape; anything else names the problem. */
export function policySetInputFromJson(body: unknown): PolicySetInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'body must be an object {"policies": [...]}', [
      { path: '', message: 'must be an object {"policies": [...]}' },
    ]);
  }
  const unknownKeys = Object.keys(body).filter((key) => key !== 'policies');
  if (unknownKeys.length > 0) {
    throw new DomainException(CommonErrorCode.VALIDATION_FAILED, `unknown field "${unknownKeys[0]}"`, unknownKeys.map((key) => ({ path: key, message: `unknown field "${key}"` })));
  }
  const { policies } = body as { policies?: unknown };
  if (!Array.isArray(policies)) {
    throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'policies must be an array of NetworkPolicy objects', [
      { path: 'policies', message: 'must be an array of NetworkPolicy objects' },
    ]);
  }
  return { format: 'json', policies };
}

/** A policy set from the request body: YAML manifests or JSON `{policies: [...]}`. */
export function policySetInputFrom(request: Request): PolicySetInput {
  if (request.is(YAML_MEDIA_TYPES)) {
    return { format: 'yaml', text: typeof request.body === 'string' ? request.body : '' };
  }
  if (request.is('application/json')) return policySetInputFromJson(request.body);
  throw new UnsupportedMediaTypeException(
    `Content-Type must be application/json ({"policies": [...]}) or application/yaml (NetworkPolicy documents)`,
  );
}
