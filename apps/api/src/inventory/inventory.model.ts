import type { InventorySnapshotSummaryView, InventorySnapshotView } from '@palisade/policy-sync';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { JsonScalar } from '../common/json.scalar';

@ObjectType('InventoryNamespace')
export class InventoryNamespaceModel {
  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  @Field(() => JsonScalar)
  labels!: Record<string, string>;
}

@ObjectType('InventoryPodPort')
export class InventoryPodPortModel {
  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty()
  @Field(() => Int)
  port!: number;

  @ApiProperty({ enum: ['TCP', 'UDP', 'SCTP'] })
  @Field()
  protocol!: string;
}

@ObjectType('InventoryWorkload')
export class InventoryWorkloadModel {
  @ApiProperty({ example: 'Deployment', description: 'Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, or Pod for a bare pod' })
  @Field()
  kind!: string;

  @ApiProperty()
  @Field()
  name!: string;
}

@ObjectType('InventoryPod')
export class InventoryPodModel {
  @ApiProperty()
  @Field()
  namespace!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  @Field(() => JsonScalar)
  labels!: Record<string, string>;

  @ApiProperty({ required: false, description: 'Primary pod IP' })
  @Field(() => String, { nullable: true })
  ip?: string;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  ips!: string[];

  @ApiProperty({ type: [InventoryPodPortModel], description: 'Named container ports' })
  @Field(() => [InventoryPodPortModel])
  ports!: InventoryPodPortModel[];

  @ApiProperty({ type: InventoryWorkloadModel })
  @Field(() => InventoryWorkloadModel)
  workload!: InventoryWorkloadModel;
}

@ObjectType('InventorySnapshotSummary')
export class InventorySnapshotSummaryModel {
  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty({ description: 'When the worker took it' })
  @Field()
  takenAt!: Date;

  @ApiProperty({ enum: ['WATCH', 'UPLOAD'] })
  @Field()
  source!: string;

  @ApiProperty()
  @Field(() => Int)
  namespaceCount!: number;

  @ApiProperty()
  @Field(() => Int)
  podCount!: number;

  @ApiProperty()
  @Field()
  contentHash!: string;
}

@ObjectType('InventorySnapshot')
export class InventorySnapshotModel extends InventorySnapshotSummaryModel {
  @ApiProperty()
  @Field()
  cluster!: string;

  @ApiProperty({ type: [InventoryNamespaceModel] })
  @Field(() => [InventoryNamespaceModel])
  namespaces!: InventoryNamespaceModel[];

  @ApiProperty({ type: [InventoryPodModel] })
  @Field(() => [InventoryPodModel])
  pods!: InventoryPodModel[];
}

export class InventorySnapshotListModel {
  @ApiProperty({ type: [InventorySnapshotSummaryModel] })
  items!: InventorySnapshotSummaryModel[];
}

export function toInventorySnapshotModel(view: InventorySnapshotView): InventorySnapshotModel {
  return { ...view };
}

/** The summary fields only, also of a whole snapshot's view. */
export function toInventorySnapshotSummaryModel(view: InventorySnapshotSummaryView): InventorySnapshotSummaryModel {
  return { id: view.id, takenAt: view.takenAt, source: view.source, namespaceCount: view.namespaceCount, podCount: view.podCount, contentHash: view.contentHash };
}
