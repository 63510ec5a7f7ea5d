import { ClusterRepository, PolicySetVersionRepository, PrismaService } from '../../libs/persistence/src';
import { parsePolicySetInput, toStoredPolicies } from '../../libs/policy-versions/src';

/**
 * Appends versions to a cluster the way a merge does (next number, made the desired version), for
 * sync tests that need version 2, 3... without walking through proposals and reviews.
 */
export class VersionWriter {
  private readonly prisma: PrismaService;
  private readonly clusters: ClusterRepository;
  private readonly versions: PolicySetVersionRepository;

  constructor(databaseUrl: string) {
    this.prisma = new PrismaService({ databaseUrl, poolSize: 2 });
    this.clusters = new ClusterRepository(this.prisma);
    this.versions = new PolicySetVersionRepository(this.prisma);
  }

  /** `policies`: NetworkPolicy objects or YAML text. Returns the new version number. */
  async append(clusterName: string, policies: unknown[] | string): Promise<number> {
    const parsed = parsePolicySetInput(typeof policies === 'string' ? { format: 'yaml', text: policies } : { format: 'json', policies });
    const { contentHash, stored } = toStoredPolicies(parsed);
    return this.prisma.$transaction(async (tx) => {
      const cluster = await this.clusters.lockByName(clusterName, tx);
      if (!cluster) throw new Error(`no cluster ${clusterName}`);
      const version = await this.versions.append(
        { clusterId: cluster.id, contentHash, authorId: null, authorName: 'sync-test', origin: cluster.headVersion === 0 ? 'IMPORT' : 'PROPOSAL', policies: stored },
        tx,
      );
      return version.number;
    });
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }
}
