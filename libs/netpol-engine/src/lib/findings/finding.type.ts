import type { Analysis } from '../analysis/create-analysis.util';
import type { AnalysisOptions, ConnectivityDiff, Flow, Inventory } from '../analysis/model.type';
import type { NetworkPolicy } from '../manifest/network-policy.type';

/** Ordered from least to most serious; see FINDING_SEVERITY_ORDER. */
export type FindingSeverity = 'info' | 'low' | 'medium' | 'high';

/**
 * Stable finding codes. Never rename or reuse one: reviews, approval rules and stored proposal
 * analyses refer to them. Severity and meaning are in FINDING_CATALOG.
 */
export enum FindingCode {
  // A policy set on its own (findingsForPolicySet; findingsForChange reports the ones a change introduces)
  EGRESS_TO_ANY_ADDRESS = 'EGRESS_TO_ANY_ADDRESS',
  EGRESS_TO_INTERNET = 'EGRESS_TO_INTERNET',
  INGRESS_FROM_ANYWHERE = 'INGRESS_FROM_ANYWHERE',
  INGRESS_FROM_ALL_NAMESPACES = 'INGRESS_FROM_ALL_NAMESPACES',
  INGRESS_FROM_INTERNET = 'INGRESS_FROM_INTERNET',
  INGRESS_FROM_OUTSIDE_CLUSTER = 'INGRESS_FROM_OUTSIDE_CLUSTER',
  POLICY_SELECTS_NO_POD = 'POLICY_SELECTS_NO_POD',
  PEER_MATCHES_NOTHING = 'PEER_MATCHES_NOTHING',
  REDUNDANT_RULE = 'REDUNDANT_RULE',
  RULES_IGNORED_BY_POLICY_TYPES = 'RULES_IGNORED_BY_POLICY_TYPES',
  // A change (findingsForChange only)
  DEFAULT_DENY_REMOVED = 'DEFAULT_DENY_REMOVED',
  EGRESS_TO_INTERNET_OPENED = 'EGRESS_TO_INTERNET_OPENED',
  INGRESS_FROM_INTERNET_OPENED = 'INGRESS_FROM_INTERNET_OPENED',
  FLOW_WIDENED = 'FLOW_WIDENED',
  FLOW_OPENED = 'FLOW_OPENED',
  FLOW_CLOSED = 'FLOW_CLOSED',
}

export interface Finding {
  code: FindingCode;
  /** Always FINDING_CATALOG[code].severity. */
  severity: FindingSeverity;
  /** One sentence for people; its wording may change, the code does not. */
  message: string;
  /** `namespace/name` of the policies involved: the subject first, then the others (e.g. the covering rule's policy). */
  policies: string[];
  /** Namespace the finding is about, when there is one. */
  namespace?: string;
  /** Field path inside the first policy, e.g. `spec.egress[0].to[1].ipBlock`. */
  path?: string;
  /** The flow opened, widened or closed (change findings only). */
  flow?: Flow;
  /**
   * Identity of the finding that survives reordering of rules and unrelated edits: the same
   * problem gives the same fingerprint in two versions of a policy set.
   */
  fingerprint: string;
}

export interface FindingsSummary {
  /** The most serious severity found, `'none'` when there is no finding. */
  maxSeverity: FindingSeverity | 'none';
  counts: Record<FindingSeverity, number>;
  /** Number of findings per code (codes without findings are left out). */
  codes: Partial<Record<FindingCode, number>>;
}

export interface FindingsReport extends FindingsSummary {
  /** Sorted: most serious first, then by code, policy and path. */
  findings: Finding[];
}

/** A policy set to look at. Without an inventory, the checks that need pods and namespaces are skipped. */
export interface FindingsInput {
  policies: readonly NetworkPolicy[];
  inventory?: Inventory;
  options?: AnalysisOptions;
  /**
   * An analysis of exactly these policies and this inventory, when the caller already has one
   * (for a change, ideally `after = before.withPolicyChanges(...)`: the diff is then incremental).
   */
  analysis?: Analysis;
}

export interface FindingsOptions {
  /**
   * CIDRs that do not count as the internet, in addition to PRIVATE_ADDRESS_RANGES (RFC 1918,
   * 100.64.0.0/10, loopback, link-local, IPv6 ULA and link-local): e.g. a corporate network.
   */
  privateCidrs?: readonly string[];
}

export interface PolicyChangeSummary {
  /** `namespace/name` of policies only in `after`. */
  added: string[];
  /** Policies in both whose canonical form differs (a reformatting is not a change). */
  modified: string[];
  /** Policies only in `before`. */
  removed: string[];
}

export interface ChangeFindingsReport extends FindingsReport {
  changes: PolicyChangeSummary;
  /** Flows opened and closed; absent when neither side has an inventory. */
  diff?: ConnectivityDiff;
  /**
   * True when the change opens and closes no flow on the inventory, false when it does,
   * absent without an inventory. A semantic no-op can still carry findings (e.g. a rule
   * that would open internet egress for pods that do not exist yet).
   */
  connectivityUnchanged?: boolean;
}
