import { ClusterNameTakenError, type ClusterRecord, ClusterRepository } from '@palisade/persistence';
import { Injectable } from '@nestjs/common';

import { ClustersErrorCode, ClustersException } from './clusters.exception';
import type { RegisterClusterCommand } from './register-cluster.command';

@Injectable()
export class ClustersService {
  constructor(private readonly clusters: ClusterRepository) {}

  async register(command: RegisterClusterCommand): Promise<ClusterRecord> {
    try {
      return await this.clusters.create({ name: command.name, displayName: command.displayName, labels: command.labels });
    } catch (error) {
      if (error instanceof ClusterNameTakenError) {
        throw new ClustersException(ClustersErrorCode.CLUSTER_ALREADY_EXISTS, `cluster "${command.name}" already exists`);
      }
      throw error;
    }
  }

  list(): Promise<ClusterRecord[]> {
    return this.clusters.list();
  }

  async get(name: string): Promise<ClusterRecord> {
    const cluster = await this.clusters.findByName(name);
    if (!cluster) throw ClustersException.notFound(name);
    return cluster;
  }
}
