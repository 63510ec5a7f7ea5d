import { toWebhookEventName } from '../webhook-outbox';

describe(toWebhookEventName.name, () => {
  it.each([
    // proposal actions that are webhook events as they are
    ['proposal.created', 'proposal', null, null, 'proposal.created'],
    ['proposal.updated', 'proposal', null, null, 'proposal.updated'],
    ['proposal.merged', 'proposal', null, null, 'proposal.merged'],
    ['proposal.conflicted', 'proposal', null, null, 'proposal.conflicted'],
    ['proposal.rejected', 'proposal', null, null, 'proposal.rejected'],
    // a READY analysis
    ['proposal.analyzed', 'proposal', null, null, 'proposal.analysis_ready'],
    // statuses reached by a review, by the rules alone, or re-derived
    ['review.submitted', 'proposal', { status: 'OPEN' }, { status: 'APPROVED' }, 'proposal.approved'],
    ['proposal.approved_by_rule', 'proposal', { status: 'OPEN' }, { status: 'APPROVED' }, 'proposal.approved'],
    ['proposal.status_changed', 'proposal', { status: 'OPEN' }, { status: 'CHANGES_REQUESTED' }, 'proposal.changes_requested'],
    ['review.submitted', 'proposal', { status: 'OPEN' }, { status: 'CHANGES_REQUESTED' }, 'proposal.changes_requested'],
    // a second approval of an approved proposal is no new event
    ['review.submitted', 'proposal', { status: 'APPROVED' }, { status: 'APPROVED' }, null],
    ['review.submitted', 'proposal', { status: 'APPROVED' }, { status: 'OPEN' }, null],
    // the sync worker
    ['sync.applied', 'cluster', null, { appliedVersion: 2 }, 'sync.in_sync'],
    ['sync.healed', 'cluster', null, { appliedVersion: 2 }, 'sync.in_sync'],
    ['sync.drift_resolved', 'cluster', null, { status: 'IN_SYNC' }, 'sync.in_sync'],
    ['sync.drift_detected', 'cluster', null, { status: 'DRIFTED' }, 'sync.drifted'],
    ['sync.failed', 'cluster', null, { retryable: true, attempts: 1 }, 'sync.unreachable'],
    // its retries are no new event
    ['sync.failed', 'cluster', null, { retryable: true, attempts: 2 }, null],
    ['sync.failed', 'cluster', null, { retryable: false }, 'sync.failed'],
    // not webhook events
    ['cluster.registered', 'cluster', null, null, null],
    ['webhook.created', 'webhook', null, null, null],
    ['proposal.withdrawn', 'proposal', null, null, null],
  ])('given %s on a %s (%j → %j), the event is %s', (action, subjectType, before, after, expected) => {
    expect(toWebhookEventName({ action, subjectType, before, after })).toBe(expected);
  });
});
