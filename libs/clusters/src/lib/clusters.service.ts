import { AuditRecorder } from '@palisade/audit';
import { ClusterNameTakenError, type ClusterRecord, ClusterRepository, PrismaService } from '@palisade/persistence';
import { assertClusterInScope, assertRole, type Caller, isClusterInScope, isDns1123Label } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { ClustersErrorCode, ClustersException } from './clusters.exception';
import type { RegisterClusterCommand } from './register-cluster.command';

@Injectable()
export class ClustersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterRepository,
    private readonly audit: AuditRecorder,
  ) {}

  /** Admins, within their scope. */
  async register(command: RegisterClusterCommand): Promise<ClusterRecord> {
    assertRole(command.caller, ['admin']);
    assertClusterInScope(command.caller, command.name);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const cluster = await this.clusters.create({ name: command.name, displayName: command.displayName, labels: command.labels }, tx);
        await this.audit.record(tx, {
          actor: command.caller.principal.actor,
          action: 'cluster.registered',
          clusterId: cluster.id,
          clusterName: cluster.name,
          subjectType: 'cluster',
          subjectId: cluster.id,
          after: { name: cluster.name, displayName: cluster.displayName, labels: cluster.labels },
          request: command.caller.request,
        });
        return cluster;
      });
    } catch (error) {
      if (error instanceof ClusterNameTakenError) {
        throw new ClustersException(ClustersErrorCode.CLUSTER_ALREADY_EXISTS, `cluster "${command.name}" already exists`);
      }
      throw error;
    }
  }

  /** The clusters in the caller's scope, by name. */
  list(caller: Caller): Promise<ClusterRecord[]> {
    return this.clusters.list(caller.principal.clusters ?? undefined);
  }

  /** A cluster in the caller's scope; FORBIDDEN outside it, whether or not it exists. */
  async get(name: string, caller: Caller): Promise<ClusterRecord> {
    assertClusterInScope(caller, name);
    // Cluster names are DNS-1123 labels: anything else (a NUL byte, a megabyte of text) names no cluster and never reaches the database.
    const cluster = isDns1123Label(name) ? await this.clusters.findByName(name) : null;
    if (!cluster) throw ClustersException.notFound(name);
    return cluster;
  }

  /** Whether the caller may see the cluster at all (for lists that mix clusters). */
  inScope(name: string, caller: Caller): boolean {
    return isClusterInScope(caller.principal, name);
  }
}
