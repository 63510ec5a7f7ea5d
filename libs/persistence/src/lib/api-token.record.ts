import type { Role } from '@palisade/shared-types';

import type { PrincipalRecord } from './principal.record';

export interface ApiTokenRecord {
  id: string;
  principal: PrincipalRecord;
  /** The first characters of the secret, to recognise the token in a list. */
  prefix: string;
  roles: Role[];
  /** null: every cluster. */
  clusters: string[] | null;
  groups: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdById: string | null;
  createdAt: Date;
}

export interface NewApiToken {
  principalId: string;
  roles: Role[];
  clusters: string[] | null;
  groups: string[];
  expiresAt: Date | null;
  secretHash: string;
  prefix: string;
  createdById: string | null;
}
