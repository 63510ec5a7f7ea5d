import { AuditModule } from '@palisade/audit';
import { Module } from '@nestjs/common';

import { Authenticator } from './authenticator.service';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { PRINCIPAL_RESOLVERS, type PrincipalResolver } from './principal-resolver';
import { PrincipalsService } from './principals.service';
import { TokenPrincipalResolver } from './token-principal.resolver';
import { TokensService } from './tokens.service';

@Module({
  imports: [AuditModule],
  providers: [
    Authenticator,
    BootstrapAdminService,
    // Add an OIDC/JWT resolver here; use cases only ever see the resolved Principal.
    { provide: PRINCIPAL_RESOLVERS, useFactory: (tokens: TokenPrincipalResolver): PrincipalResolver[] => [tokens], inject: [TokenPrincipalResolver] },
    PrincipalsService,
    TokenPrincipalResolver,
    TokensService,
  ],
  exports: [Authenticator, BootstrapAdminService, PrincipalsService, TokensService],
})
export class AuthModule {}
