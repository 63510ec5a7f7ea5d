import type { ClusterRecord } from '@palisade/persistence';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

import { JsonScalar } from '../common/json.scalar';

@ObjectType('Cluster')
export class ClusterModel {
  @ApiProperty({ example: 'prod-eu-1', description: 'DNS-1123 label, unique' })
  @Field()
  name!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Production (EU)' })
  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' } })
  @Field(() => JsonScalar)
  labels!: Record<string, string>;

  @ApiProperty({ description: 'Number of the newest version; 0 when the cluster has none' })
  @Field(() => Int)
  headVersion!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'Version the sync worker makes live' })
  @Field(() => Int, { nullable: true })
  desiredVersion!: number | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

export function toClusterModel(record: ClusterRecord): ClusterModel {
  return {
    name: record.name,
    displayName: record.displayName,
    labels: record.labels,
    headVersion: record.headVersion,
    desiredVersion: record.desiredVersion,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export class ClusterListModel {
  @ApiProperty({ type: [ClusterModel] })
  items!: ClusterModel[];
}
