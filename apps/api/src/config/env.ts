import { IsAuditSigningKey } from '@palisade/audit';
import { DEFAULT_INVENTORY_UPLOAD_OPTIONS } from '@palisade/policy-sync';
import { IntegerEnv, loadEnv, ServiceEnv } from '@palisade/shared-types';
import { IsIn, IsOptional, Matches } from 'class-validator';

/** The API's environment, validated once at boot. No other file reads process.env. */
export class ApiEnv extends ServiceEnv {
  @IntegerEnv('PORT', 0, 65535)
  PORT = 3000;

  /** Becomes the first admin's API token when no admin exists (see README, "Tokens and roles"). */
  @IsOptional()
  @Matches(/^pal_[A-Za-z0-9_-]{32,}$/, {
    message: 'PALISADE_BOOTSTRAP_ADMIN_TOKEN must be "pal_" followed by at least 32 letters, digits, "-" or "_"',
  })
  PALISADE_BOOTSTRAP_ADMIN_TOKEN?: string = undefined;

  /** Largest inventory upload (PUT .../inventory), in bytes after decompression; a larger body is refused with 413 before parsing. */
  @IntegerEnv('INVENTORY_UPLOAD_MAX_BYTES', 1024, 1073741824)
  INVENTORY_UPLOAD_MAX_BYTES = DEFAULT_INVENTORY_UPLOAD_OPTIONS.maxBytes; // 64 MiB

  /** Most objects (namespaces, pods, workloads) one inventory upload may hold; more is refused with 400. */
  @IntegerEnv('INVENTORY_UPLOAD_MAX_OBJECTS', 1, 10000000)
  INVENTORY_UPLOAD_MAX_OBJECTS = DEFAULT_INVENTORY_UPLOAD_OPTIONS.maxObjects;

  /** Largest request body of a route without a limit of its own (tokens, reviews, rules...), in bytes; more is refused with 413 before parsing. */
  @IntegerEnv('REQUEST_BODY_MAX_BYTES', 1024, 1073741824)
  REQUEST_BODY_MAX_BYTES = 1_048_576; // 1 MiB

  /** Largest policy set body (version import, proposal create/update, GraphQL requests), in bytes; more is refused with 413 before parsing. */
  @IntegerEnv('POLICY_SET_MAX_BYTES', 1024, 1073741824)
  POLICY_SET_MAX_BYTES = 20_971_520; // 20 MiB

  /** Most documents (NetworkPolicies) in one version import or proposal; more is refused with 400 TOO_MANY_POLICIES. */
  @IntegerEnv('POLICY_SET_MAX_DOCUMENTS', 1, 1000000)
  POLICY_SET_MAX_DOCUMENTS = 10_000;

  /** Reading and validating one policy set (on the parser thread) may take this long; longer is stopped and refused with 422 POLICY_SET_TOO_SLOW_TO_READ. */
  @IntegerEnv('POLICY_SET_PARSE_TIMEOUT_MS', 100, 600000)
  POLICY_SET_PARSE_TIMEOUT_MS = 10_000;

  /** Worker threads running proposal analyses; each keeps its own cache of parsed inventories and policy sets. */
  @IntegerEnv('ANALYSIS_THREADS', 1, 64)
  ANALYSIS_THREADS = 1;

  /** An analysis running longer is stopped and stored as FAILED (retry with POST .../analysis/retry). */
  @IntegerEnv('ANALYSIS_TIMEOUT_MS', 1000, 3600000)
  ANALYSIS_TIMEOUT_MS = 120_000;

  /** How often stale analyses (new snapshots from the sync worker, work left by a stopped replica) and lagging connection history are looked for; 0 = only at start and on uploads. */
  @IntegerEnv('ANALYSIS_RECONCILE_MS', 0, 3600000)
  ANALYSIS_RECONCILE_MS = 5_000;

  /** Ed25519 private key (PKCS#8 PEM, or its DER in base64) that signs audit checkpoints; never stored in the database (README, "Audit trail"). */
  @IsOptional()
  @IsAuditSigningKey()
  PALISADE_AUDIT_SIGNING_KEY?: string = undefined;

  /** How often a signed checkpoint of the audit chain is written when the chain moved; 0 = only on POST /api/v1/audit/checkpoints and at shutdown. */
  @IntegerEnv('AUDIT_CHECKPOINT_INTERVAL_MS', 0, 86400000)
  AUDIT_CHECKPOINT_INTERVAL_MS = 60_000;

  /** Open proposals (OPEN, CHANGES_REQUESTED, APPROVED, CONFLICTED) one cluster may have; more answer 429 PROPOSAL_QUOTA_EXCEEDED; 0 = no bound. */
  @IntegerEnv('PROPOSAL_QUOTA_PER_CLUSTER', 0, 10000000)
  PROPOSAL_QUOTA_PER_CLUSTER = 1_000;

  /** Open proposals one principal may have authored, across clusters; 0 = no bound. */
  @IntegerEnv('PROPOSAL_QUOTA_PER_PRINCIPAL', 0, 10000000)
  PROPOSAL_QUOTA_PER_PRINCIPAL = 200;

  /** Requests one principal (all its tokens, REST and GraphQL) may make per minute; more answer 429 RATE_LIMITED with Retry-After; 0 = no limit. */
  @IntegerEnv('RATE_LIMIT_PER_MINUTE', 0, 100000000)
  RATE_LIMIT_PER_MINUTE = 1_200;

  /** "true" lets cluster connections name a server on loopback, link-local or metadata addresses (tests, single-machine setups). */
  @IsIn(['true', 'false'], { message: 'PALISADE_ALLOW_LOOPBACK_ADDRESSES must be true or false' })
  PALISADE_ALLOW_LOOPBACK_ADDRESSES = 'false';

  /** Introspection, field suggestions and the explorer page at GET /graphql; off unless "true" (README, "GraphQL"). */
  @IsIn(['true', 'false'], { message: 'PALISADE_GRAPHQL_EXPLORER must be true or false' })
  PALISADE_GRAPHQL_EXPLORER: 'true' | 'false' = 'false';

  /** Deepest nesting of fields in one GraphQL operation; deeper is refused with 400 QUERY_TOO_DEEP. */
  @IntegerEnv('PALISADE_GRAPHQL_MAX_DEPTH', 1, 100)
  PALISADE_GRAPHQL_MAX_DEPTH = 12;

  /** Most aliases in one GraphQL operation; more is refused with 400 TOO_MANY_ALIASES. */
  @IntegerEnv('PALISADE_GRAPHQL_MAX_ALIASES', 0, 1000)
  PALISADE_GRAPHQL_MAX_ALIASES = 20;

  /** Highest estimated cost of one GraphQL operation (README, "GraphQL query budget"); more is refused with 400 QUERY_TOO_COMPLEX. */
  @IntegerEnv('PALISADE_GRAPHQL_MAX_COST', 1, 1000000)
  PALISADE_GRAPHQL_MAX_COST = 5000;
}

export function loadApiEnv(env: Record<string, string | undefined>): ApiEnv {
  return loadEnv(ApiEnv, env);
}
