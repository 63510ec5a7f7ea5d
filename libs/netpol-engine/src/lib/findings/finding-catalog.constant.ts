import { FindingCode, type FindingSeverity } from './finding.type';

export interface FindingCatalogEntry {
  severity: FindingSeverity;
  /** Short title for lists and documentation. */
  title: string;
  /** Whether only findingsForChange reports it. */
  changeOnly: boolean;
}

export const FINDING_SEVERITY_ORDER: readonly FindingSeverity[] = ['info', 'low', 'medium', 'high'];

/** Severity and title of every finding code. */
export const FINDING_CATALOG: Readonly<Record<FindingCode, FindingCatalogEntry>> = {
  [FindingCode.EGRESS_TO_ANY_ADDRESS]: { severity: 'high', title: 'Egress to any address (0.0.0.0/0, ::/0 or a rule without `to`)', changeOnly: false },
  [FindingCode.EGRESS_TO_INTERNET]: { severity: 'medium', title: 'Egress to addresses outside private space', changeOnly: false },
  [FindingCode.INGRESS_FROM_ANYWHERE]: { severity: 'medium', title: 'Ingress from any source (a rule without `from`, or 0.0.0.0/0 or ::/0)', changeOnly: false },
  [FindingCode.INGRESS_FROM_ALL_NAMESPACES]: { severity: 'medium', title: 'Ingress from all namespaces', changeOnly: false },
  [FindingCode.INGRESS_FROM_INTERNET]: { severity: 'medium', title: 'Ingress from addresses outside private space', changeOnly: false },
  [FindingCode.INGRESS_FROM_OUTSIDE_CLUSTER]: { severity: 'low', title: 'Ingress from private addresses outside the cluster (ipBlock)', changeOnly: false },
  [FindingCode.POLICY_SELECTS_NO_POD]: { severity: 'low', title: 'Policy selects no pod', changeOnly: false },
  [FindingCode.PEER_MATCHES_NOTHING]: { severity: 'low', title: 'Peer matches nothing', changeOnly: false },
  [FindingCode.REDUNDANT_RULE]: { severity: 'info', title: 'Rule made redundant by another', changeOnly: false },
  [FindingCode.RULES_IGNORED_BY_POLICY_TYPES]: { severity: 'low', title: 'Rules ignored because policyTypes leaves out their direction', changeOnly: false },
  [FindingCode.DEFAULT_DENY_REMOVED]: { severity: 'high', title: 'Namespace loses its default deny', changeOnly: true },
  [FindingCode.EGRESS_TO_INTERNET_OPENED]: { severity: 'high', title: 'Change opens egress to the internet', changeOnly: true },
  [FindingCode.INGRESS_FROM_INTERNET_OPENED]: { severity: 'high', title: 'Change opens ingress from the internet', changeOnly: true },
  [FindingCode.FLOW_WIDENED]: { severity: 'medium', title: 'Change widens an existing flow', changeOnly: true },
  [FindingCode.FLOW_OPENED]: { severity: 'low', title: 'Change opens a new flow', changeOnly: true },
  [FindingCode.FLOW_CLOSED]: { severity: 'info', title: 'Change closes a flow', changeOnly: true },
};

/** Negative when `a` is less serious than `b`. */
export function compareSeverity(a: FindingSeverity, b: FindingSeverity): number {
  return FINDING_SEVERITY_ORDER.indexOf(a) - FINDING_SEVERITY_ORDER.indexOf(b);
}
