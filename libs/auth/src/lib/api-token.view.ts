import type { ApiTokenRecord } from '@palisade/persistence';
import type { Role } from '@palisade/shared-types';

export interface ApiTokenView {
  id: string;
  principal: { id: string; name: string; kind: 'human' | 'bot' };
  prefix: string;
  roles: Role[];
  clusters: string[] | null;
  groups: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** A new token: the only time its secret is ever shown. */
export interface CreatedApiTokenView extends ApiTokenView {
  secret: string;
}

export function toApiTokenView(record: ApiTokenRecord): ApiTokenView {
  return {
    id: record.id,
    principal: { id: record.principal.id, name: record.principal.name, kind: record.principal.kind },
    prefix: record.prefix,
    roles: record.roles,
    clusters: record.clusters,
    groups: record.groups,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    createdAt: record.createdAt,
  };
}
