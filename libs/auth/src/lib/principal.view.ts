import type { PrincipalRecord } from '@palisade/persistence';

export interface PrincipalView {
  id: string;
  name: string;
  kind: 'human' | 'bot';
  /** The scope the principal was created within: a scoped admin's clusters, or null (every cluster). */
  clusters: string[] | null;
  /** Who created it; null for the bootstrap admin. */
  createdBy: { id: string; name: string } | null;
  createdAt: Date;
}

export function toPrincipalView(record: PrincipalRecord): PrincipalView {
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    clusters: record.clusters === null ? null : [...record.clusters],
    createdBy: record.createdBy ? { ...record.createdBy } : null,
    createdAt: record.createdAt,
  };
}
