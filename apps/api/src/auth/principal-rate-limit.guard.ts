import { CommonErrorCode, DomainException } from '@palisade/shared-types';
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request, Response } from 'express';

import { requestOf } from '../common/current-actor.decorator';

/**
 * Requests per principal (every token of it together, REST and GraphQL alike), counted by
 * @nestjs/throttler's store over a fixed window. Runs after the authentication guard, so the key is
 * the authenticated principal; public routes (health, metrics, docs) are not counted.
 */
@Injectable()
export class PrincipalRateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !requestOf(context).principal;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const actor = (req as unknown as Request).principal?.actor;
    return actor ? `principal:${actor.id ?? `${actor.kind}:${actor.name}`}` : 'anonymous';
  }

  /** One budget per principal across every route (the library's default is one per handler). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    const req = requestOf(context);
    return { req: req as unknown as Record<string, unknown>, res: (req.res ?? ({} as Response)) as unknown as Record<string, unknown> };
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new DomainException(
      CommonErrorCode.RATE_LIMITED,
      `too many requests: this principal may make ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s; retry after ${detail.timeToBlockExpire} s`,
    );
  }
}
