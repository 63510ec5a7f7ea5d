import type { PolicySetVersionRecord, PolicySetVersionWithPolicies } from '@palisade/persistence';

export interface PolicyVersionSummary {
  number: number;
  parentNumber: number | null;
  contentHash: string;
  author: { id: string | null; name: string };
  origin: 'IMPORT' | 'PROPOSAL';
  /** The merged proposal this version came from; null for an import. */
  sourceProposalId: string | null;
  policyCount: number;
  createdAt: Date;
}

export interface PolicyVersionDetail extends PolicyVersionSummary {
  /** The NetworkPolicy manifests, sorted by namespace then name. */
  policies: unknown[];
}

export function toPolicyVersionSummary(record: PolicySetVersionRecord): PolicyVersionSummary {
  return {
    number: record.number,
    parentNumber: record.parentNumber,
    contentHash: record.contentHash,
    author: { id: record.authorId, name: record.authorName },
    origin: record.origin,
    sourceProposalId: record.sourceProposalId,
    policyCount: record.policyCount,
    createdAt: record.createdAt,
  };
}

export function toPolicyVersionDetail(record: PolicySetVersionWithPolicies): PolicyVersionDetail {
  return { ...toPolicyVersionSummary(record), policies: record.policies.map((p) => p.manifest) };
}
