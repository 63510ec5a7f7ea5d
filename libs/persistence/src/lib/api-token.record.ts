import type { Role } from '@palisade/shared-types';

export type PrincipalKindName = 'human' | 'bot';

export interface PrincipalRecord {
  id: string;
  name: string;
  kind: PrincipalKindName;
  createdAt: Date;
}

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
  principalName: string;
  principalKind: PrincipalKindName;
  roles: Role[];
  clusters: string[] | null;
  groups: string[];
  expiresAt: Date | null;
  secretHash: string;
  prefix: string;
  createdById: string | null;
}
