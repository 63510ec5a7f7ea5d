import type { Actor, RequestMeta } from '@palisade/shared-types';

/**
 * What a use case records about a state change. `action` is `<subject>.<past tense>`, e.g.
 * `cluster.registered`, `version.imported`, `proposal.created`, `review.submitted`, `proposal.merged`,
 * `sync.applied`. `before`/`after` are short summaries (JSON), not whole policy sets.
 */
export interface NewAuditEvent {
  actor: Actor;
  action: string;
  clusterId?: string | null;
  clusterName?: string | null;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  request?: RequestMeta;
}
