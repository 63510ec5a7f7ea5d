import { Authenticator } from '@palisade/auth';
import { CommonErrorCode, DomainException, isReporterOnly } from '@palisade/shared-types';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { requestOf } from '../common/current-actor.decorator';
import { IS_PUBLIC } from './public.decorator';
import { REPORTER_ALLOWED } from './reporter-allowed.decorator';

/**
 * Global guard: every REST handler and GraphQL resolver needs an authenticated principal, except
 * those marked @Public(). Authorisation (roles, cluster scope, author rules) is the use cases' job,
 * so REST and GraphQL enforce exactly the same rules, with one exception decided here, for both: a
 * principal whose only role is `reporter` reaches the handlers marked @ReporterAllowed() and no
 * other, reads included, so no route added later is open to it by mistake.
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
    if (isReporterOnly(request.principal) && !this.reflector.get<boolean>(REPORTER_ALLOWED, context.getHandler())) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'a reporter may only upload inventories');
    }
    return true;
  }
}
