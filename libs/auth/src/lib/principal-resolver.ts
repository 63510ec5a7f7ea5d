import type { Principal } from '@palisade/shared-types';

/**
 * Turns a bearer credential into a principal. Each kind of credential has its own resolver (API
 * tokens today; an OIDC/JWT resolver can be added to PRINCIPAL_RESOLVERS without touching a use case).
 */
export interface PrincipalResolver {
  /** The principal, or null when this resolver does not accept the credential. */
  resolve(credential: string): Promise<Principal | null>;
}

/** Multi-provider token: the resolvers the Authenticator tries, in order. */
export const PRINCIPAL_RESOLVERS = Symbol('PRINCIPAL_RESOLVERS');
