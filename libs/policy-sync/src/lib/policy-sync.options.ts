export const POLICY_SYNC_OPTIONS = Symbol('POLICY_SYNC_OPTIONS');

/** What the apps configure (from their validated env) for the sync use cases. */
export interface PolicySyncOptions {
  /** AES-256-GCM key for connection credentials (PALISADE_SECRET_KEY). */
  secretKey: Buffer;
  /** Deadline of one Kubernetes request. */
  kubeRequestTimeoutMs: number;
  /** User-Agent towards the API servers, e.g. `palisade-api` or `palisade-sync-worker/<id>`. */
  userAgent: string;
}
