import { AuditRecorder } from '@palisade/audit';
import { ClustersException, ClustersService } from '@palisade/clusters';
import { ClusterRepository, PolicySetVersionRepository, PrismaService } from '@palisade/persistence';
import { ClusterCapabilitiesService } from '@palisade/policy-sync';
import { assertClusterInScope, assertRole, type Caller, decodeCursor, encodeCursor, type Page } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import type { ImportVersionCommand } from './import-version.command';
import {
  type PolicyVersionDetail,
  type PolicyVersionSummary,
  toPolicyVersionDetail,
  toPolicyVersionSummary,
} from './policy-version.view';
import { PolicyVersionsErrorCode, PolicyVersionsException } from './policy-versions.exception';
import { toStoredPolicies } from './stored-policies.util';

// Storing thousands of policies takes seconds on a busy database: far beyond the 5 s default.
const IMPORT_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

const isVersionNumber = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

@Injectable()
export class PolicyVersionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterRepository,
    private readonly versions: PolicySetVersionRepository,
    private readonly clusterService: ClustersService,
    private readonly audit: AuditRecorder,
    private readonly capabilities: ClusterCapabilitiesService,
  ) {}

  /** Stores a cluster's first version (admins); refused once the cluster has any version. */
  async importVersion(command: ImportVersionCommand): Promise<PolicyVersionDetail> {
    assertRole(command.caller, ['admin']);
    assertClusterInScope(command.caller, command.clusterName);
    const { contentHash, stored } = toStoredPolicies(command.policies);
    const number = await this.prisma.$transaction(async (tx) => {
      const cluster = await this.clusters.lockByName(command.clusterName, tx);
      if (!cluster) throw ClustersException.notFound(command.clusterName);
      if (cluster.headVersion > 0) {
        throw new PolicyVersionsException(
          PolicyVersionsErrorCode.CLUSTER_ALREADY_HAS_VERSIONS,
          `cluster "${command.clusterName}" already has ${cluster.headVersion} version(s); later versions come from merged proposals`,
        );
      }
      // A connected cluster refuses fields its API server cannot store (e.g. endPort before 1.22).
      await this.capabilities.assertCanStore(cluster.id, command.policies, tx);
      const actor = command.caller.principal.actor;
      const version = await this.versions.append(
        { clusterId: cluster.id, contentHash, authorId: actor.id, authorName: actor.name, origin: 'IMPORT', policies: stored },
        tx,
      );
      await this.audit.record(tx, {
        actor,
        action: 'version.imported',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subjectType: 'version',
        subjectId: version.id,
        before: { headVersion: 0 },
        after: { version: version.number, contentHash, policyCount: stored.length },
        request: command.caller.request,
      });
      return version.number;
    }, IMPORT_TRANSACTION);
    return this.get(command.clusterName, number, command.caller);
  }

  async list(clusterName: string, options: { cursor?: string; limit: number }, caller: Caller): Promise<Page<PolicyVersionSummary>> {
    const cluster = await this.clusterService.get(clusterName, caller);
    let before: number | undefined;
    if (options.cursor !== undefined) {
      before = decodeCursor(options.cursor, isVersionNumber);
      if (before === undefined) {
        throw new PolicyVersionsException(PolicyVersionsErrorCode.INVALID_CURSOR, 'cursor is not one this API returned');
      }
    }
    const rows = await this.versions.list(cluster.id, { before, limit: options.limit + 1 });
    const items = rows.slice(0, options.limit).map(toPolicyVersionSummary);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.number) : null };
  }

  /** A version by number, or the newest one for 'head'. */
  async get(clusterName: string, number: number | 'head', caller: Caller): Promise<PolicyVersionDetail> {
    const cluster = await this.clusterService.get(clusterName, caller);
    const wanted = number === 'head' ? cluster.headVersion : number;
    const version = wanted > 0 ? await this.versions.findWithPolicies(cluster.id, wanted) : null;
    if (!version) {
      throw new PolicyVersionsException(
        PolicyVersionsErrorCode.VERSION_NOT_FOUND,
        number === 'head'
          ? `cluster "${clusterName}" has no versions yet`
          : `cluster "${clusterName}" has no version ${number}`,
      );
    }
    return toPolicyVersionDetail(version);
  }
}
