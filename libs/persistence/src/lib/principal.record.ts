export type PrincipalKindName = 'human' | 'bot';

/** A human or bot that calls the API. Created once; its tokens carry roles, scope and groups. */
export interface PrincipalRecord {
  id: string;
  name: string;
  kind: PrincipalKindName;
  /** The scope the principal was created within: a scoped admin's clusters, or null (every cluster). */
  clusters: string[] | null;
  /** The principal that created this one; null for the bootstrap admin. */
  createdBy: { id: string; name: string } | null;
  createdAt: Date;
}

export interface NewPrincipal {
  name: string;
  kind: PrincipalKindName;
  clusters: string[] | null;
  createdById: string | null;
}
