export type PrincipalKind = 'human' | 'bot' | 'system';

/** Who performs a use case: a principal behind an API token, or a Palisade process such as the sync worker. */
export interface Actor {
  id: string | null;
  name: string;
  kind: PrincipalKind;
}

/** Where a request came from; recorded with audit events. */
export interface RequestMeta {
  requestId: string;
  clientAddress: string | null;
}
