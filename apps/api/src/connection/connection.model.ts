import { LAGGING_LIMIT } from '@palisade/connection-history';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { ActorModel, ActorRefModel } from '../common/actor.model';
import { unpagedCost } from '../graphql/query-cost.util';
import { PortRangeModel } from '../proposal/proposal-analysis.model';

@ObjectType('ConnectionEndpoint', { description: 'One end of a flow: a workload, or an address range (cidr minus except)' })
export class ConnectionEndpointModel {
  @ApiProperty({ enum: ['workload', 'cidr'] })
  @Field()
  kind!: string;

  @ApiProperty({ nullable: true, type: String, example: 'default' })
  @Field(() => String, { nullable: true })
  namespace!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Deployment' })
  @Field(() => String, { nullable: true })
  workloadKind!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'myapp', description: 'Workload name' })
  @Field(() => String, { nullable: true })
  name!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '1.1.1.1/32' })
  @Field(() => String, { nullable: true })
  cidr!: string | null;

  @ApiProperty({ type: [String], example: ['10.0.0.0/8'], description: 'CIDRs excluded from cidr' })
  @Field(() => [String])
  except!: string[];

  @ApiProperty({ example: 'default/myapp[Deployment]', description: 'As the engine and the CLI print it' })
  @Field()
  text!: string;
}

@ObjectType('ProposalRef')
export class ProposalRefModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  title!: string | null;
}

@ObjectType('ConnectionChange', { description: 'A port range of a flow opened or closed: by which version, proposal, author and approvers' })
export class ConnectionChangeModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty({ example: 'demo', description: 'Cluster name' })
  @Field()
  cluster!: string;

  @ApiProperty({ enum: ['OPENED', 'CLOSED'] })
  @Field()
  change!: string;

  @ApiProperty({ enum: ['INITIAL', 'IMPORT', 'PROPOSAL', 'REVERT', 'INVENTORY'], description: 'INITIAL: the first version; INVENTORY: a new inventory snapshot' })
  @Field()
  cause!: string;

  @ApiProperty({ type: ConnectionEndpointModel })
  @Field(() => ConnectionEndpointModel)
  source!: ConnectionEndpointModel;

  @ApiProperty({ type: ConnectionEndpointModel })
  @Field(() => ConnectionEndpointModel)
  destination!: ConnectionEndpointModel;

  @ApiProperty({ enum: ['TCP', 'UDP', 'SCTP'] })
  @Field()
  protocol!: string;

  @ApiProperty({ type: PortRangeModel })
  @Field(() => PortRangeModel)
  ports!: PortRangeModel;

  @ApiProperty({ nullable: true, type: Number, description: 'The head version after the change' })
  @Field(() => Int, { nullable: true })
  version!: number | null;

  @ApiProperty({ nullable: true, type: ProposalRefModel })
  @Field(() => ProposalRefModel, { nullable: true })
  proposal!: ProposalRefModel | null;

  @ApiProperty({ nullable: true, type: ActorModel, description: 'Who proposed (or imported) the change' })
  @Field(() => ActorModel, { nullable: true })
  author!: ActorModel | null;

  @ApiProperty({ type: [ActorRefModel] })
  @Field(() => [ActorRefModel])
  approvers!: ActorRefModel[];

  @ApiProperty({ nullable: true, type: String, description: 'The inventory snapshot the change was computed on' })
  @Field(() => String, { nullable: true })
  snapshotId!: string | null;

  @ApiProperty()
  @Field()
  occurredAt!: Date;
}

@ObjectType('ConnectionHistoryStatus', { description: "Whether a cluster's connection history answers for its head and newest inventory yet, and why not" })
export class ConnectionHistoryStatusModel {
  @ApiProperty({ example: 'prod-eu-1' })
  @Field()
  cluster!: string;

  @ApiProperty({ description: 'Number of the newest version; 0 when the cluster has none' })
  @Field(() => Int)
  headVersion!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'The version the history reflects; null before its first catch-up' })
  @Field(() => Int, { nullable: true })
  trackedVersion!: number | null;

  @ApiProperty({ description: 'The history reflects the head version and the newest inventory snapshot: what it says is open, is (a cluster without versions has nothing to reflect: true)' })
  @Field()
  upToDate!: boolean;

  @ApiProperty({ description: 'While it lags: background catch-ups that failed in a row (an engine error, a timeout)' })
  @Field(() => Int)
  failures!: number;

  @ApiProperty({ nullable: true, type: String, description: "While it lags: the last failure's error" })
  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @ApiProperty({ nullable: true, type: Date, description: 'While it lags after a failure: when the background pass tries again (a merge does not wait)' })
  @Field(() => Date, { nullable: true })
  retryAfter!: Date | null;
}

/** `lagging` and `laggingCount` of a connection page, for the OpenAPI document and the GraphQL schema. */
const LAGGING_DESCRIPTION = `The clusters searched (the one named, else every cluster of the scope) whose connection history does not reflect their head version and newest inventory snapshot yet: the first ${LAGGING_LIMIT} by name, as the connection history status describes them (laggingCount says how many lag in all; /connections/status lists every one). This answer may miss their latest changes. Empty when it is current for every cluster searched`;
const LAGGING_COUNT_DESCRIPTION = `How many of the clusters searched lag in all (lagging names the first ${LAGGING_LIMIT}; /connections/status lists every one). 0 when the answer is current for every cluster searched`;

@ObjectType('ConnectionChangePage')
export class ConnectionChangePageModel {
  @ApiProperty({ type: [ConnectionChangeModel] })
  @Field(() => [ConnectionChangeModel])
  items!: ConnectionChangeModel[];

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;

  @ApiProperty({ type: [ConnectionHistoryStatusModel], description: LAGGING_DESCRIPTION })
  @Field(() => [ConnectionHistoryStatusModel], { description: LAGGING_DESCRIPTION, complexity: unpagedCost() })
  lagging!: ConnectionHistoryStatusModel[];

  @ApiProperty({ description: LAGGING_COUNT_DESCRIPTION })
  @Field(() => Int, { description: LAGGING_COUNT_DESCRIPTION })
  laggingCount!: number;
}

@ObjectType('OpenConnection', { description: 'A port range of a flow open at the head right now' })
export class OpenConnectionModel {
  @ApiProperty({ description: 'Cluster name' })
  @Field()
  cluster!: string;

  @ApiProperty({ type: ConnectionEndpointModel })
  @Field(() => ConnectionEndpointModel)
  source!: ConnectionEndpointModel;

  @ApiProperty({ type: ConnectionEndpointModel })
  @Field(() => ConnectionEndpointModel)
  destination!: ConnectionEndpointModel;

  @ApiProperty({ enum: ['TCP', 'UDP', 'SCTP'] })
  @Field()
  protocol!: string;

  @ApiProperty({ type: PortRangeModel, description: 'What is open now: the opened range, or the part of it not closed since' })
  @Field(() => PortRangeModel)
  ports!: PortRangeModel;

  @ApiProperty()
  @Field()
  since!: Date;

  @ApiProperty({ type: ConnectionChangeModel, description: 'The change that opened it' })
  @Field(() => ConnectionChangeModel)
  openedBy!: ConnectionChangeModel;
}

@ObjectType('OpenConnectionPage')
export class OpenConnectionPageModel {
  @ApiProperty({ type: [OpenConnectionModel] })
  @Field(() => [OpenConnectionModel])
  items!: OpenConnectionModel[];

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;

  @ApiProperty({ type: [ConnectionHistoryStatusModel], description: LAGGING_DESCRIPTION })
  @Field(() => [ConnectionHistoryStatusModel], { description: LAGGING_DESCRIPTION, complexity: unpagedCost() })
  lagging!: ConnectionHistoryStatusModel[];

  @ApiProperty({ description: LAGGING_COUNT_DESCRIPTION })
  @Field(() => Int, { description: LAGGING_COUNT_DESCRIPTION })
  laggingCount!: number;
}

export class ConnectionHistoryStatusListModel {
  @ApiProperty({ type: [ConnectionHistoryStatusModel] })
  items!: ConnectionHistoryStatusModel[];
}
