import type { NewAuditEvent } from '@palisade/audit';
import type { PrincipalRecord } from '@palisade/persistence';
import type { Actor, RequestMeta } from '@palisade/shared-types';

/**
 * The audit event of a new principal. `after.clusters` is the scope it was created within: the
 * audit trail shows the event to the auditors of those clusters (of every cluster when null).
 */
export function principalCreatedEvent(principal: PrincipalRecord, actor: Actor, request?: RequestMeta): NewAuditEvent {
  return {
    actor,
    action: 'principal.created',
    subjectType: 'principal',
    subjectId: principal.id,
    after: { name: principal.name, kind: principal.kind, clusters: principal.clusters, createdBy: principal.createdBy },
    request,
  };
}
