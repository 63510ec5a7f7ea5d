import type { ApprovalEvaluation, ProposalSummaryView, ProposalView } from '@palisade/proposals';
import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { ActorModel, ActorRefModel } from '../common/actor.model';
import { AnalysisStatus } from '../common/graphql-enums';
import { JsonScalar } from '../common/json.scalar';
import { QUERY_COST } from '../graphql/query-cost.util';
import { ProposalAnalysisModel, toProposalAnalysisModel } from './proposal-analysis.model';

export enum ProposalStatus {
  OPEN = 'OPEN',
  CHANGES_REQUESTED = 'CHANGES_REQUESTED',
  APPROVED = 'APPROVED',
  MERGED = 'MERGED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
  CONFLICTED = 'CONFLICTED',
}
registerEnumType(ProposalStatus, { name: 'ProposalStatus', description: 'Derived from reviews, rules and merges; never set by hand' });

export enum ReviewVerdict {
  APPROVE = 'APPROVE',
  REQUEST_CHANGES = 'REQUEST_CHANGES',
  COMMENT = 'COMMENT',
}
registerEnumType(ReviewVerdict, { name: 'ReviewVerdict' });

export enum PolicyChangeKind {
  ADDED = 'ADDED',
  MODIFIED = 'MODIFIED',
  DELETED = 'DELETED',
}
registerEnumType(PolicyChangeKind, { name: 'PolicyChangeKind' });

@ObjectType('PolicyRef')
export class PolicyRefModel {
  @ApiProperty()
  @Field()
  namespace!: string;

  @ApiProperty()
  @Field()
  name!: string;
}

@ObjectType('ProposalSource')
export class ProposalSourceModel {
  @ApiProperty({ example: 'github-pr' })
  @Field()
  kind!: string;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  url!: string | null;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  commit!: string | null;
}

@ObjectType('ProposalChanges')
export class ProposalChangesModel {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'NetworkPolicy manifests added or replaced' })
  @Field(() => [JsonScalar])
  upsert!: unknown[];

  @ApiProperty({ type: [PolicyRefModel] })
  @Field(() => [PolicyRefModel])
  delete!: PolicyRefModel[];
}

@ObjectType('PolicyDiff')
export class PolicyDiffModel {
  @ApiProperty()
  @Field()
  namespace!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ enum: PolicyChangeKind })
  @Field(() => PolicyChangeKind)
  change!: PolicyChangeKind;

  @ApiProperty({ nullable: true, type: String, description: 'Canonical YAML in the base version' })
  @Field(() => String, { nullable: true })
  before!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Canonical YAML after the change' })
  @Field(() => String, { nullable: true })
  after!: string | null;

  @ApiProperty({ description: 'Unified diff of before and after' })
  @Field()
  diff!: string;

  @ApiProperty({ description: 'True when the stored diff was cut at its bound (256 KiB per policy, 8 MiB per proposal)' })
  @Field({ description: 'True when the stored diff was cut at its bound (256 KiB per policy, 8 MiB per proposal)' })
  diffTruncated!: boolean;
}

@ObjectType('Review')
export class ReviewModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty({ type: ActorModel })
  @Field(() => ActorModel)
  reviewer!: ActorModel;

  @ApiProperty({ enum: ReviewVerdict })
  @Field(() => ReviewVerdict)
  verdict!: ReviewVerdict;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  comment!: string | null;

  @ApiProperty({ description: 'The proposal revision reviewed' })
  @Field(() => Int)
  revision!: number;

  @ApiProperty({ description: 'The proposal changed since, or a re-analysis changed what was approved: this review no longer counts' })
  @Field()
  dismissed!: boolean;

  @ApiProperty({ nullable: true, enum: ['REVISION_CHANGED', 'ANALYSIS_CHANGED'] })
  @Field(() => String, { nullable: true })
  dismissedReason!: string | null;

  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'For ANALYSIS_CHANGED: {at, previousHash, newHash, previousSummary, newSummary}' })
  @Field(() => JsonScalar, { nullable: true })
  dismissal!: unknown;

  @ApiProperty({ nullable: true, type: String, description: 'The analysis the reviewer was shown' })
  @Field(() => String, { nullable: true })
  analysisHash!: string | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

@ObjectType('ApprovalReason')
export class ApprovalReasonModel {
  @ApiProperty({ description: 'Rule name, or `default` when no rule applies' })
  @Field()
  rule!: string;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  finding!: string | null;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  flow!: string | null;

  @ApiProperty({ example: 'rule `internet-egress`: EGRESS_TO_INTERNET_OPENED default/myapp[Deployment] => 1.1.1.1/32 : TCP 443' })
  @Field()
  message!: string;
}

@ObjectType('RequiredApprovals')
export class RequiredApprovalsModel {
  @ApiProperty()
  @Field(() => Int)
  count!: number;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  groups!: string[];

  @ApiProperty({ type: [ApprovalReasonModel] })
  @Field(() => [ApprovalReasonModel])
  reasons!: ApprovalReasonModel[];
}

@ObjectType('IgnoredApproval')
export class IgnoredApprovalModel {
  @ApiProperty({ type: ActorRefModel })
  @Field(() => ActorRefModel)
  reviewer!: ActorRefModel;

  @ApiProperty({ enum: ['BOT_APPROVAL', 'ANALYSIS_CHANGED'] })
  @Field()
  reason!: string;
}

@ObjectType('ApprovalCount')
export class ApprovalCountModel {
  @ApiProperty()
  @Field(() => Int)
  approvals!: number;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  groups!: string[];
}

@ObjectType('ApprovalsReceived')
export class ApprovalsReceivedModel extends ApprovalCountModel {
  @ApiProperty({ type: [ActorRefModel] })
  @Field(() => [ActorRefModel])
  approvers!: ActorRefModel[];
}

@ObjectType('ApprovalEvaluation')
export class ApprovalEvaluationModel {
  @ApiProperty({ type: [String], description: 'Approval rules that apply to the cluster' })
  @Field(() => [String])
  rules!: string[];

  @ApiProperty({ type: ApprovalCountModel })
  @Field(() => ApprovalCountModel)
  required!: ApprovalCountModel;

  @ApiProperty({ type: ApprovalsReceivedModel })
  @Field(() => ApprovalsReceivedModel)
  received!: ApprovalsReceivedModel;

  @ApiProperty({ type: ApprovalCountModel })
  @Field(() => ApprovalCountModel)
  missing!: ApprovalCountModel;

  @ApiProperty({ type: [ActorRefModel], description: 'Reviewers whose REQUEST_CHANGES still blocks the merge' })
  @Field(() => [ActorRefModel])
  blockedBy!: ActorRefModel[];

  @ApiProperty({ type: RequiredApprovalsModel })
  @Field(() => RequiredApprovalsModel)
  requiredApprovals!: RequiredApprovalsModel;

  @ApiProperty({ type: [IgnoredApprovalModel], description: 'Approvals of the current revision that do not count, and why' })
  @Field(() => [IgnoredApprovalModel])
  ignoredApprovals!: IgnoredApprovalModel[];

  @ApiProperty({ description: 'The applying rules require no approval: the rules approve the proposal' })
  @Field()
  approvedByRule!: boolean;

  @ApiProperty({ nullable: true, enum: ['PENDING', 'READY', 'FAILED'] })
  @Field(() => AnalysisStatus, { nullable: true })
  analysisStatus!: string | null;

  @ApiProperty({ description: 'Analysis READY, enough approvals, every required group, nothing blocking' })
  @Field()
  satisfied!: boolean;
}

@ObjectType('ProposalSummary')
export class ProposalSummaryModel {
  @ApiProperty()
  @Field()
  id!: string;

  /** GraphQL serves `cluster` as the Cluster itself (ProposalRelationsResolver). */
  @ApiProperty({ description: 'Cluster name' })
  cluster!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  description!: string | null;

  @ApiProperty({ enum: ProposalStatus })
  @Field(() => ProposalStatus)
  status!: ProposalStatus;

  @ApiProperty({ type: ActorModel })
  @Field(() => ActorModel)
  author!: ActorModel;

  @ApiProperty()
  @Field(() => Int)
  baseVersion!: number;

  @ApiProperty({ description: 'Bumped when the changes are replaced' })
  @Field(() => Int)
  revision!: number;

  @ApiProperty({ type: [String], description: '`namespace/name` of every policy the changes touch' })
  @Field(() => [String])
  touchedPolicies!: string[];

  @ApiProperty({ type: [String], description: 'Policies that overlapped a newer version (CONFLICTED)' })
  @Field(() => [String])
  conflictPolicies!: string[];

  @ApiProperty({ type: ProposalSourceModel, nullable: true })
  @Field(() => ProposalSourceModel, { nullable: true })
  source!: ProposalSourceModel | null;

  @ApiProperty({ nullable: true, type: Number })
  @Field(() => Int, { nullable: true })
  revertsToVersion!: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'The version the merge created' })
  @Field(() => Int, { nullable: true })
  mergedVersion!: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'The head it was merged onto (after a rebase, newer than baseVersion)' })
  @Field(() => Int, { nullable: true })
  mergedOntoVersion!: number | null;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;

  @ApiProperty({ nullable: true, type: ActorRefModel })
  @Field(() => ActorRefModel, { nullable: true })
  closedBy!: ActorRefModel | null;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  closeComment!: string | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

@ObjectType('Proposal')
export class ProposalModel extends ProposalSummaryModel {
  @ApiProperty({ type: ProposalChangesModel, description: 'The effective changes against the base' })
  @Field(() => ProposalChangesModel)
  changes!: ProposalChangesModel;

  @ApiProperty({ description: 'sha256 of the canonical changes; reviews are bound to it' })
  @Field()
  changeHash!: string;

  @ApiProperty({ type: [PolicyDiffModel] })
  @Field(() => [PolicyDiffModel], { complexity: QUERY_COST.diff })
  diff!: PolicyDiffModel[];

  @ApiProperty({ type: [ReviewModel] })
  @Field(() => [ReviewModel])
  reviews!: ReviewModel[];

  @ApiProperty({ type: ApprovalEvaluationModel, description: 'Required, received and missing approvals' })
  @Field(() => ApprovalEvaluationModel)
  approvals!: ApprovalEvaluationModel;

  @ApiProperty({ type: RequiredApprovalsModel, description: 'How many approvals, from which groups, and why' })
  @Field(() => RequiredApprovalsModel)
  requiredApprovals!: RequiredApprovalsModel;

  @ApiProperty({ type: ProposalAnalysisModel, nullable: true, description: 'Summary and findings of the current analysis; flows at GET /proposals/{id}/analysis' })
  @Field(() => ProposalAnalysisModel, { nullable: true })
  analysis!: ProposalAnalysisModel | null;
}

@ObjectType('ProposalPage')
export class ProposalPageModel {
  @ApiProperty({ type: [ProposalSummaryModel] })
  @Field(() => [ProposalSummaryModel])
  items!: ProposalSummaryModel[];

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}

export function toProposalSummaryModel(view: ProposalSummaryView): ProposalSummaryModel {
  return { ...view, status: view.status as ProposalStatus };
}

const toApprovalModel = (a: ApprovalEvaluation): ApprovalEvaluationModel => a;

export function toProposalModel(view: ProposalView): ProposalModel {
  return {
    ...toProposalSummaryModel(view),
    changes: view.changes,
    changeHash: view.changeHash,
    diff: view.diff.map((d) => ({ ...d, change: d.change as PolicyChangeKind })),
    reviews: view.reviews.map((r) => ({ ...r, verdict: r.verdict as ReviewVerdict })),
    approvals: toApprovalModel(view.approvals),
    requiredApprovals: view.requiredApprovals,
    analysis: view.analysis ? toProposalAnalysisModel(view.id, view.analysis) : null,
  };
}
