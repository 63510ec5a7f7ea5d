import { ProposalsService } from '@palisade/proposals';
import { assertClusterInScope, assertRole, CommonErrorCode, DomainException, findUnsafeValue } from '@palisade/shared-types';
import { BadRequestException, type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';

import { callerOf } from '../common/current-actor.decorator';
import { API_ENV } from '../config/api-env.token';
import type { ApiEnv } from '../config/env';
import { INVENTORY_MEDIA_TYPES } from '../inventory/inventory-manifests.from-request';
import { YAML_MEDIA_TYPES } from '../policy-version/policy-set-input.from-request';
import { BODY_ACCESS, type BodyAccess } from './body-access.decorator';
import { hasRequestBody, readRequestBody } from './read-request-body.util';

/**
 * Reads and parses REST request bodies, which no middleware does: this runs after the global
 * authentication guard, so an unauthenticated request is answered 401 without its body being read.
 * A route marked @ReadsBodyAfter() first has the caller's role, cluster scope and authorship
 * checked, and only then reads its (large) body under its own limit; every other route reads a
 * small body (REQUEST_BODY_MAX_BYTES). JSON bodies become objects, YAML and inventories text.
 */
@Injectable()
export class RequestBodyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_ENV) private readonly env: ApiEnv,
    private readonly proposals: ProposalsService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const access = this.reflector.get<BodyAccess | undefined>(BODY_ACCESS, context.getHandler());
    if (access) await this.authorize(request, access);
    if (request.body === undefined && hasRequestBody(request)) request.body = await this.parse(request, response, access);
    return next.handle();
  }

  private async authorize(request: Request, access: BodyAccess): Promise<void> {
    const caller = callerOf(request);
    assertRole(caller, access.roles);
    if (access.clusterParam) assertClusterInScope(caller, String(request.params[access.clusterParam]));
    if (access.proposalAuthorParam) await this.proposals.assertMayUpdate(String(request.params[access.proposalAuthorParam]), caller);
  }

  private async parse(request: Request, response: Response, access: BodyAccess | undefined): Promise<unknown> {
    if (access?.limit === 'inventory') {
      // Text, JSON or YAML alike: the inventory reader tells them apart and locates its errors.
      if (request.is(INVENTORY_MEDIA_TYPES) === false) return undefined;
      return readRequestBody(request, response, this.env.INVENTORY_UPLOAD_MAX_BYTES, 'INVENTORY_UPLOAD_MAX_BYTES');
    }
    const json = request.is('application/json') !== false;
    const yaml = !json && request.is(YAML_MEDIA_TYPES) !== false;
    if (!json && !yaml) return undefined; // left unread: the handler names the media types it takes
    const [maxBytes, setting] = access?.limit === 'policySet' ? [this.env.POLICY_SET_MAX_BYTES, 'POLICY_SET_MAX_BYTES'] : [this.env.REQUEST_BODY_MAX_BYTES, 'REQUEST_BODY_MAX_BYTES'];
    const text = await readRequestBody(request, response, maxBytes, setting);
    if (yaml) return text;
    if (text.trim() === '') return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      throw new BadRequestException(`request body is not valid JSON: ${(error as Error).message}`);
    }
    // Here too, not only in RequestValuePipe: some handlers read the parsed body from the request.
    const problem = findUnsafeValue(body);
    if (problem) throw new DomainException(CommonErrorCode.VALIDATION_FAILED, problem.message, [problem]);
    return body;
  }
}
