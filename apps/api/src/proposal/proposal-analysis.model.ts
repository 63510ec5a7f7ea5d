import type { FindingView, FlowView, ProposalAnalysisDetailView, ProposalAnalysisView } from '@palisade/proposals';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { AnalysisStatus } from '../common/graphql-enums';

@ObjectType('PortRange')
export class PortRangeModel {
  @ApiProperty({ example: 443 })
  @Field(() => Int)
  from!: number;

  @ApiProperty({ example: 443, description: 'Inclusive' })
  @Field(() => Int)
  to!: number;
}

@ObjectType('FlowPorts')
export class FlowPortsModel {
  @ApiProperty({ enum: ['TCP', 'UDP', 'SCTP'] })
  @Field()
  protocol!: string;

  @ApiProperty({ type: [PortRangeModel] })
  @Field(() => [PortRangeModel])
  ranges!: PortRangeModel[];
}

@ObjectType('FlowEndpoint', { description: 'A workload (namespace, kind, name) or an external address range (cidr minus except)' })
export class FlowEndpointModel {
  @ApiProperty({ enum: ['workload', 'cidr'] })
  @Field()
  kind!: string;

  @ApiProperty({ required: false, nullable: true, type: String })
  @Field(() => String, { nullable: true })
  namespace!: string | null;

  @ApiProperty({ required: false, nullable: true, type: String, example: 'Deployment' })
  @Field(() => String, { nullable: true })
  workloadKind!: string | null;

  @ApiProperty({ required: false, nullable: true, type: String })
  @Field(() => String, { nullable: true })
  name!: string | null;

  @ApiProperty({ required: false, nullable: true, type: String, example: '1.1.1.1/32' })
  @Field(() => String, { nullable: true })
  cidr!: string | null;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  except!: string[];
}

@ObjectType('Flow')
export class FlowModel {
  @ApiProperty({ type: FlowEndpointModel })
  @Field(() => FlowEndpointModel)
  from!: FlowEndpointModel;

  @ApiProperty({ type: FlowEndpointModel })
  @Field(() => FlowEndpointModel)
  to!: FlowEndpointModel;

  @ApiProperty({ type: [FlowPortsModel], description: 'Per protocol (TCP, UDP, SCTP order), inclusive ranges' })
  @Field(() => [FlowPortsModel])
  ports!: FlowPortsModel[];

  @ApiProperty({ example: 'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443' })
  @Field()
  text!: string;

  @ApiProperty({ description: 'Opened between endpoints that already talked on other ports or addresses' })
  @Field()
  widened!: boolean;
}

@ObjectType('AnalysisFinding')
export class AnalysisFindingModel {
  @ApiProperty({ example: 'EGRESS_TO_INTERNET_OPENED' })
  @Field()
  code!: string;

  @ApiProperty({ enum: ['info', 'low', 'medium', 'high'] })
  @Field()
  severity!: string;

  @ApiProperty()
  @Field()
  message!: string;

  @ApiProperty({ type: [String], description: '`namespace/name` of the policies involved' })
  @Field(() => [String])
  policies!: string[];

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  namespace!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Field path inside the first policy' })
  @Field(() => String, { nullable: true })
  path!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The flow a change finding is about' })
  @Field(() => String, { nullable: true })
  flow!: string | null;
}

@ObjectType('PolicyChangeSummary')
export class PolicyChangeSummaryModel {
  @ApiProperty({ type: [String] })
  @Field(() => [String])
  added!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  modified!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  removed!: string[];
}

@ObjectType('SeverityCounts')
export class SeverityCountsModel {
  @ApiProperty()
  @Field(() => Int)
  info!: number;

  @ApiProperty()
  @Field(() => Int)
  low!: number;

  @ApiProperty()
  @Field(() => Int)
  medium!: number;

  @ApiProperty()
  @Field(() => Int)
  high!: number;
}

@ObjectType('AnalysisSummary')
export class AnalysisSummaryModel {
  @ApiProperty({ description: 'New flows between endpoints that did not talk before' })
  @Field(() => Int)
  flowsOpened!: number;

  @ApiProperty({ description: 'Flows between endpoints that already talked, now on more ports or addresses' })
  @Field(() => Int)
  flowsWidened!: number;

  @ApiProperty()
  @Field(() => Int)
  flowsClosed!: number;

  @ApiProperty({ nullable: true, type: Boolean, description: 'Whether a packet would notice the change; null without an inventory' })
  @Field(() => Boolean, { nullable: true })
  connectivityChange!: boolean | null;

  @ApiProperty()
  @Field(() => Int)
  findings!: number;

  @ApiProperty({ enum: ['none', 'info', 'low', 'medium', 'high'] })
  @Field()
  maxSeverity!: string;

  @ApiProperty({ type: SeverityCountsModel })
  @Field(() => SeverityCountsModel)
  counts!: SeverityCountsModel;

  @ApiProperty({ type: PolicyChangeSummaryModel })
  @Field(() => PolicyChangeSummaryModel)
  policies!: PolicyChangeSummaryModel;
}

@ObjectType('AnalysisInventory', { description: 'The inventory snapshot an analysis used' })
export class AnalysisInventoryModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty()
  @Field()
  takenAt!: Date;

  @ApiProperty({ enum: ['WATCH', 'UPLOAD'] })
  @Field()
  source!: string;

  @ApiProperty()
  @Field()
  contentHash!: string;
}

@ObjectType('AnalysisOptions')
export class AnalysisOptionsModel {
  @ApiProperty()
  @Field()
  ipBlockMatchesPodIps!: boolean;
}

@ObjectType('ProposalAnalysis', { description: "What a proposal's current revision does to connectivity" })
export class ProposalAnalysisModel {
  @ApiProperty()
  @Field()
  proposalId!: string;

  @ApiProperty({ enum: ['PENDING', 'READY', 'FAILED'] })
  @Field(() => AnalysisStatus)
  status!: string;

  @ApiProperty({ nullable: true, type: String, description: 'sha256 over base, proposed and snapshot content hashes, engine version and options; reviews are bound to it' })
  @Field(() => String, { nullable: true })
  hash!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'sha256 of what was found (flows and findings)' })
  @Field(() => String, { nullable: true })
  resultHash!: string | null;

  @ApiProperty()
  @Field(() => Int)
  revision!: number;

  @ApiProperty({ description: 'The version the changes were applied to (the head at merge after a rebase)' })
  @Field(() => Int)
  baseVersion!: number;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  baseContentHash!: string | null;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  proposedContentHash!: string | null;

  @ApiProperty()
  @Field()
  engineVersion!: string;

  @ApiProperty({ type: AnalysisOptionsModel })
  @Field(() => AnalysisOptionsModel)
  options!: AnalysisOptionsModel;

  @ApiProperty({ type: AnalysisInventoryModel, nullable: true, description: 'null: no snapshot, findings from the policies alone and no flows' })
  @Field(() => AnalysisInventoryModel, { nullable: true })
  inventory!: AnalysisInventoryModel | null;

  @ApiProperty({ type: AnalysisSummaryModel, nullable: true })
  @Field(() => AnalysisSummaryModel, { nullable: true })
  summary!: AnalysisSummaryModel | null;

  @ApiProperty({ type: [AnalysisFindingModel], description: 'Most serious first (at most 100 in a proposal view; all at /analysis)' })
  @Field(() => [AnalysisFindingModel])
  findings!: AnalysisFindingModel[];

  @ApiProperty()
  @Field(() => Int)
  findingsTotal!: number;

  @ApiProperty({ nullable: true, type: String, description: 'Why the analysis FAILED' })
  @Field(() => String, { nullable: true })
  error!: string | null;

  @ApiProperty()
  @Field(() => Int)
  attempts!: number;

  @ApiProperty()
  @Field()
  requestedAt!: Date;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  computedAt!: Date | null;

  @ApiProperty({ nullable: true, type: Number })
  @Field(() => Int, { nullable: true })
  durationMs!: number | null;
}

@ObjectType('AnalysisFlowPage')
export class AnalysisFlowPageModel {
  @ApiProperty({ type: [FlowModel] })
  @Field(() => [FlowModel])
  opened!: FlowModel[];

  @ApiProperty({ type: [FlowModel] })
  @Field(() => [FlowModel])
  closed!: FlowModel[];

  @ApiProperty()
  @Field(() => Int)
  totalOpened!: number;

  @ApiProperty()
  @Field(() => Int)
  totalClosed!: number;

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page (opened flows first, then closed)' })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}

@ObjectType('ProposalAnalysisDetail')
export class ProposalAnalysisDetailModel extends ProposalAnalysisModel {
  @ApiProperty({ type: AnalysisFlowPageModel })
  @Field(() => AnalysisFlowPageModel)
  flows!: AnalysisFlowPageModel;
}

export function toFlowModel(flow: FlowView): FlowModel {
  const endpoint = (e: FlowView['from']): FlowEndpointModel =>
    e.kind === 'workload'
      ? { kind: 'workload', namespace: e.namespace, workloadKind: e.workloadKind, name: e.name, cidr: null, except: [] }
      : { kind: 'cidr', namespace: null, workloadKind: null, name: null, cidr: e.cidr, except: e.except ?? [] };
  return {
    from: endpoint(flow.from),
    to: endpoint(flow.to),
    ports: flow.ports.map((p) => ({ protocol: p.protocol, ranges: p.ranges.map(([from, to]) => ({ from, to })) })),
    text: flow.text,
    widened: flow.widened === true,
  };
}

const toFindingModel = (f: FindingView): AnalysisFindingModel => f;

export function toProposalAnalysisModel(proposalId: string, view: ProposalAnalysisView): ProposalAnalysisModel {
  return { ...view, proposalId, findings: view.findings.map(toFindingModel) };
}

export function toProposalAnalysisDetailModel(proposalId: string, view: ProposalAnalysisDetailView): ProposalAnalysisDetailModel {
  return {
    ...toProposalAnalysisModel(proposalId, view),
    flows: { ...view.flows, opened: view.flows.opened.map(toFlowModel), closed: view.flows.closed.map(toFlowModel) },
  };
}
