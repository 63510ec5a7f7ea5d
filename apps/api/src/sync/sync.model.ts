import type { ConnectionView, SyncStatusView } from '@palisade/policy-sync';
import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

export enum SyncStatus {
  IN_SYNC = 'IN_SYNC',
  PENDING = 'PENDING',
  SYNCING = 'SYNCING',
  DRIFTED = 'DRIFTED',
  FAILED = 'FAILED',
  UNREACHABLE = 'UNREACHABLE',
}
registerEnumType(SyncStatus, { name: 'SyncStatus', description: "Where a cluster's live NetworkPolicies stand against its desired version" });

export enum DriftMode {
  report = 'report',
  heal = 'heal',
}
registerEnumType(DriftMode, { name: 'DriftMode', description: 'What the worker does about drift: report it, or heal it by re-applying' });

export enum DriftKind {
  MODIFIED = 'MODIFIED',
  DELETED = 'DELETED',
  UNMANAGED = 'UNMANAGED',
  UNEXPECTED = 'UNEXPECTED',
}
registerEnumType(DriftKind, { name: 'DriftKind' });

@ObjectType('ClusterCapabilities')
export class ClusterCapabilitiesModel {
  @ApiProperty({ description: 'endPort in NetworkPolicy ports (Kubernetes 1.22+)' })
  @Field()
  endPort!: boolean;

  @ApiProperty({ description: 'The AdminNetworkPolicy API (policy.networking.k8s.io) is served' })
  @Field()
  adminNetworkPolicy!: boolean;
}

@ObjectType('ClusterConnection', { description: 'What a connection reaches; never its credentials' })
export class ConnectionModel {
  @ApiProperty({ example: 'v1.20.2' })
  @Field()
  serverVersion!: string;

  @ApiProperty({ type: ClusterCapabilitiesModel })
  @Field(() => ClusterCapabilitiesModel)
  capabilities!: ClusterCapabilitiesModel;

  @ApiProperty({ enum: ['token', 'client-certificate'] })
  @Field()
  authMethod!: string;

  @ApiProperty()
  @Field()
  checkedAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

@ObjectType('DriftItem')
export class DriftItemModel {
  @ApiProperty()
  @Field()
  namespace!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ enum: DriftKind })
  @Field(() => DriftKind)
  kind!: DriftKind;

  @ApiProperty()
  @Field()
  reason!: string;
}

@ObjectType('SyncConflict')
export class SyncConflictModel {
  @ApiProperty()
  @Field()
  namespace!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ example: '.spec.podSelector' })
  @Field()
  field!: string;

  @ApiProperty({ description: 'The field manager that owns the field', example: 'kubectl-edit' })
  @Field()
  manager!: string;
}

@ObjectType('ClusterSync')
export class SyncStatusModel {
  @ApiProperty()
  @Field()
  cluster!: string;

  @ApiProperty({ enum: SyncStatus })
  @Field(() => SyncStatus)
  status!: SyncStatus;

  @ApiProperty({ nullable: true, type: Number })
  @Field(() => Int, { nullable: true })
  desiredVersion!: number | null;

  @ApiProperty({ nullable: true, type: Number })
  @Field(() => Int, { nullable: true })
  appliedVersion!: number | null;

  @ApiProperty({ description: 'Consecutive failed attempts' })
  @Field(() => Int)
  attempts!: number;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  nextRetryAt!: Date | null;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  lastErrorAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  lastAppliedAt!: Date | null;

  @ApiProperty({ type: [SyncConflictModel] })
  @Field(() => [SyncConflictModel])
  conflicts!: SyncConflictModel[];

  @ApiProperty({ type: [DriftItemModel] })
  @Field(() => [DriftItemModel])
  drift!: DriftItemModel[];

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  driftDetectedAt!: Date | null;

  @ApiProperty({ enum: DriftMode })
  @Field(() => DriftMode)
  mode!: DriftMode;

  @ApiProperty()
  @Field()
  forceConflicts!: boolean;

  @ApiProperty({ description: 'Whether the cluster has a connection' })
  @Field()
  connected!: boolean;

  @ApiProperty({ nullable: true, type: String })
  @Field(() => String, { nullable: true })
  serverVersion!: string | null;

  @ApiProperty({ nullable: true, type: ClusterCapabilitiesModel })
  @Field(() => ClusterCapabilitiesModel, { nullable: true })
  capabilities!: ClusterCapabilitiesModel | null;

  @ApiProperty({ nullable: true, type: String, description: 'The worker holding the cluster now' })
  @Field(() => String, { nullable: true })
  worker!: string | null;

  @ApiProperty({ nullable: true, type: Date })
  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}

export function toSyncStatusModel(view: SyncStatusView): SyncStatusModel {
  return {
    ...view,
    status: view.status as SyncStatus,
    mode: view.mode as DriftMode,
    drift: view.drift.map((item) => ({ ...item, kind: item.kind as DriftKind })),
  };
}

export function toConnectionModel(view: ConnectionView): ConnectionModel {
  return { ...view };
}
