import type { Actor, Caller, Principal } from '@palisade/shared-types';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';

declare module 'express' {
  interface Request {
    /** Set by the authentication guard (REST) or the GraphQL context. */
    principal?: Principal;
  }
}

export function requestOf(context: ExecutionContext): Request {
  return context.getType<string>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<{ req: Request }>().req
    : context.switchToHttp().getRequest<Request>();
}

/** The authenticated principal and the request's id and client address (for the audit trail). */
export function callerOf(request: Request): Caller {
  if (!request.principal) throw new Error('no principal on the request: is the route public by mistake?');
  return { principal: request.principal, request: { requestId: request.requestId ?? '', clientAddress: request.ip ?? null } };
}

/** The caller of a use case: the authenticated principal plus request metadata. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => callerOf(requestOf(context)));

/** The principal making the request, as resolved by the authentication guard. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => callerOf(requestOf(context)).principal.actor);
