import type { Actor } from '@palisade/shared-types';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';

declare module 'express' {
  interface Request {
    actor?: Actor;
  }
}

export const ANONYMOUS_ACTOR: Actor = { id: null, name: 'anonymous', kind: 'human' };

export function requestOf(context: ExecutionContext): Request {
  return context.getType<string>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<{ req: Request }>().req
    : context.switchToHttp().getRequest<Request>();
}

/** The principal making the request, as resolved by the authentication guard. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  return requestOf(context).actor ?? ANONYMOUS_ACTOR;
});
