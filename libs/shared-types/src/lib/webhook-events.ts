/** Every event a webhook can subscribe to (issue 13). */
export const WEBHOOK_EVENTS = [
  'proposal.created',
  'proposal.updated',
  'proposal.analysis_ready',
  'proposal.approved',
  'proposal.changes_requested',
  'proposal.merged',
  'proposal.conflicted',
  'proposal.rejected',
  'sync.in_sync',
  'sync.failed',
  'sync.drifted',
  'sync.unreachable',
] as const;

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];
