import { BootstrapAdminService } from '@palisade/auth';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { API_ENV } from '../config/api-env.token';
import type { ApiEnv } from '../config/env';

/** On boot, PALISADE_BOOTSTRAP_ADMIN_TOKEN (when set) becomes the first admin's token if no admin exists. */
@Injectable()
export class BootstrapAdminInitializer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(API_ENV) private readonly env: ApiEnv,
    private readonly bootstrap: BootstrapAdminService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.env.PALISADE_BOOTSTRAP_ADMIN_TOKEN;
    if (secret === undefined) return;
    const outcome = await this.bootstrap.ensure(secret);
    if (outcome === 'created') this.logger.log('no admin existed: PALISADE_BOOTSTRAP_ADMIN_TOKEN is now the token of principal "bootstrap-admin"');
    if (outcome === 'token-already-used') this.logger.warn('PALISADE_BOOTSTRAP_ADMIN_TOKEN was used before (and revoked); it was not reinstated');
  }
}
