export type VersionOriginKind = 'IMPORT' | 'PROPOSAL';

export interface StoredPolicy {
  namespace: string;
  name: string;
  /** sha256 of the stored manifest's canonical JSON (the content address). */
  hash: string;
  manifest: unknown;
}

export interface PolicySetVersionRecord {
  id: string;
  clusterId: string;
  number: number;
  parentNumber: number | null;
  contentHash: string;
  authorId: string | null;
  authorName: string;
  origin: VersionOriginKind;
  /** The merged proposal this version came from; null for an import. */
  sourceProposalId: string | null;
  policyCount: number;
  createdAt: Date;
}

export interface PolicySetVersionWithPolicies extends PolicySetVersionRecord {
  /** Sorted by namespace, then name. */
  policies: StoredPolicy[];
}

export interface NewPolicySetVersion {
  clusterId: string;
  contentHash: string;
  authorId: string | null;
  authorName: string;
  origin: VersionOriginKind;
  sourceProposalId?: string | null;
  policies: StoredPolicy[];
}
