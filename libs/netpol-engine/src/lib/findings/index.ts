export { describeAddresses, PRIVATE_ADDRESS_RANGES } from './address-space.util';
export { findingsForChange } from './change-findings.util';
export { compareSeverity, FINDING_CATALOG, FINDING_SEVERITY_ORDER } from './finding-catalog.constant';
export type { FindingCatalogEntry } from './finding-catalog.constant';
export { FindingCode } from './finding.type';
export type {
  ChangeFindingsReport,
  Finding,
  FindingSeverity,
  FindingsInput,
  FindingsOptions,
  FindingsReport,
  FindingsSummary,
  PolicyChangeSummary,
} from './finding.type';
export { findingsForPolicySet } from './findings-for-policy-set.util';
export { sortFindings, summarizeFindings } from './summarize-findings.util';
export { summarizeNamespaces } from './summarize-namespaces.util';
export type { NamespaceSummary, SummaryOptions } from './summarize-namespaces.util';
