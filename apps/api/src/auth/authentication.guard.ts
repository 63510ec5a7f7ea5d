import { Authenticator } from '@palisade/auth';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { requestOf } from '../common/current-actor.decorator';
import { IS_PUBLIC } from './public.decorator';

/**
 * Global guard: every REST handler and GraphQL resolver needs an authenticated principal, except
 * those marked @Public(). Authorisation (roles, cluster scope, author rules) is the use cases' job,
 * so REST and GraphQL enforce exactly the same rules.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = requestOf(context);
    request.principal ??= await this.authenticator.authenticate(request.header('authorization'));
    return true;
  }
}
