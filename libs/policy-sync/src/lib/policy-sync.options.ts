export const POLICY_SYNC_OPTIONS = Symbol('POLICY_SYNC_OPTIONS');

/** What the apps configure (from their validated env) for the sync use cases. */
export interface PolicySyncOptions {
  /** AES-256-GCM key for connection credentials (PALISADE_SECRET_KEY). */
  secretKey: Buffer;
  /** Deadline of one Kubernetes request. */
  kubeRequestTimeoutMs: number;
  /** User-Agent towards the API servers, e.g. `palisade-api` or `palisade-sync-worker/<id>`. */
  userAgent: string;
  /** Lets connections name a server on loopback, link-local or metadata addresses (PALISADE_ALLOW_LOOPBACK_ADDRESSES). */
  allowLoopbackAddresses?: boolean;
  /** Bounds of inventory uploads (the API takes them; the worker does not). */
  inventoryUpload?: InventoryUploadOptions;
}

/** What one inventory upload may be, and how many snapshots a cluster keeps. */
export interface InventoryUploadOptions {
  /** Largest manifest text, in UTF-8 bytes (INVENTORY_UPLOAD_MAX_BYTES). */
  maxBytes: number;
  /** Most objects of the kinds an inventory reads (INVENTORY_UPLOAD_MAX_OBJECTS). */
  maxObjects: number;
  /** Snapshots kept per cluster after storing one (INVENTORY_RETAIN). */
  retain: number;
}

/** The API's defaults (apps/api/src/config/env.ts), for a module registered without upload options. */
export const DEFAULT_INVENTORY_UPLOAD_OPTIONS: InventoryUploadOptions = { maxBytes: 64 * 1024 * 1024, maxObjects: 200_000, retain: 100 };
