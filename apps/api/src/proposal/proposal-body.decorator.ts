import { CommonErrorCode, DomainException } from '@palisade/shared-types';
import { createParamDecorator, type ExecutionContext, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

import { YAML_MEDIA_TYPES } from '../policy-version/policy-set-input.from-request';
import { YAML_BODY_QUERY_PARAMETERS } from './proposal.query';

const queryString = (request: Request, name: string): string | undefined => {
  const value = request.query[name];
  return typeof value === 'string' ? value : undefined;
};

/** A YAML body as the input class's fields: the text is `yaml`, the other fields come from the query. */
function fromYaml(request: Request): Record<string, unknown> {
  const baseVersion = queryString(request, 'baseVersion');
  const sourceKind = queryString(request, 'sourceKind');
  const fields: Record<string, unknown> = {
    title: queryString(request, 'title'),
    description: queryString(request, 'description'),
    // Digits become the number the input class requires; anything else stays a string and fails its @IsInt.
    baseVersion: baseVersion !== undefined && /^\d+$/.test(baseVersion) ? Number(baseVersion) : baseVersion,
    yaml: typeof request.body === 'string' ? request.body : '',
    source: sourceKind !== undefined ? { kind: sourceKind, url: queryString(request, 'sourceUrl') ?? null, commit: queryString(request, 'sourceCommit') ?? null } : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The body of POST /clusters/{name}/proposals or PATCH /proposals/{id} as the handler's input class
 * (CreateProposalInput, UpdateProposalInput), validated by the global ValidationPipe like any @Body():
 * a JSON object as sent, or a YAML desired set with the other fields from the query.
 */
export const ProposalBody = createParamDecorator((_: unknown, context: ExecutionContext): Record<string, unknown> => {
  const request = context.switchToHttp().getRequest<Request>();
  if (request.is(YAML_MEDIA_TYPES)) return fromYaml(request);
  if (!request.is('application/json')) {
    throw new UnsupportedMediaTypeException('Content-Type must be application/json or application/yaml (the complete desired set, ?mode=replace)');
  }
  const misplaced = YAML_BODY_QUERY_PARAMETERS.filter((name) => request.query[name] !== undefined);
  if (misplaced.length > 0) {
    throw new DomainException(
      CommonErrorCode.VALIDATION_FAILED,
      `${misplaced.join(', ')}: query parameters for a YAML body; a JSON body carries these fields itself`,
      misplaced.map((path) => ({ path, message: 'a query parameter for a YAML body; give it in the JSON body' })),
    );
  }
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'body must be a JSON object', [{ path: '', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
});
