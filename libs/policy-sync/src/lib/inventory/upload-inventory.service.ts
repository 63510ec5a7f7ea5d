import { AuditRecorder } from '@palisade/audit';
import { ClustersService } from '@palisade/clusters';
import {
  type DocumentLocation,
  formatManifestError,
  inventoryFromManifests,
  type ManifestError,
  ManifestRegistry,
  parseManifests,
} from '@palisade/netpol-engine';
import { InventorySnapshotRepository, PrismaService } from '@palisade/persistence';
import { assertRole, type ErrorDetail } from '@palisade/shared-types';
import { Inject, Injectable } from '@nestjs/common';

import { PolicySyncErrorCode, PolicySyncException } from '../policy-sync.exception';
import { DEFAULT_INVENTORY_UPLOAD_OPTIONS, type InventoryUploadOptions, POLICY_SYNC_OPTIONS, type PolicySyncOptions } from '../policy-sync.options';
import { inventoryContentHash } from './inventory-content-hash.util';
import { type InventorySnapshotView, toInventoryView } from './inventory.view';
import { InventorySnapshotEvents } from './snapshot-events';
import { toSnapshotContent } from './snapshot-content.util';
import type { UploadInventoryCommand } from './upload-inventory.command';

/** Errors listed in one response; the message gives the total. */
export const MAX_LISTED_INVENTORY_ERRORS = 100;

// A snapshot of tens of thousands of pods is a few MB of JSON to write; the audit chain's head may be busy.
const UPLOAD_TRANSACTION = { maxWait: 15_000, timeout: 60_000 } as const;

/** Remembers what parseManifests registers: how many objects, and where each NetworkPolicy is. */
class CountingRegistry extends ManifestRegistry {
  objects = 0;
  readonly policies: { key: string; location: DocumentLocation }[] = [];

  override claim(key: string, location: () => DocumentLocation): DocumentLocation | undefined {
    const first = super.claim(key, location);
    if (first === undefined) {
      this.objects++;
      if (key.startsWith('NetworkPolicy/')) this.policies.push({ key: key.slice('NetworkPolicy/'.length), location: location() });
    }
    return first;
  }
}

function toDetail(e: ManifestError): ErrorDetail {
  return { document: e.document, ...(e.line === undefined ? {} : { line: e.line }), path: e.path, message: e.message };
}

@Injectable()
export class UploadInventoryService {
  private readonly limits: InventoryUploadOptions;

  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClustersService,
    private readonly snapshots: InventorySnapshotRepository,
    private readonly audit: AuditRecorder,
    private readonly events: InventorySnapshotEvents,
    @Inject(POLICY_SYNC_OPTIONS) options: PolicySyncOptions,
  ) {
    this.limits = options.inventoryUpload ?? DEFAULT_INVENTORY_UPLOAD_OPTIONS;
  }

  /**
   * Stores an uploaded inventory as a snapshot with source UPLOAD, taken now (admins and reporters,
   * within their scope); keeps the newest `retain`. All or nothing: any malformed object, any
   * NetworkPolicy, more objects than the limit, or no namespace, pod or workload at all stores nothing.
   */
  async execute(command: UploadInventoryCommand): Promise<InventorySnapshotView> {
    const { caller } = command;
    assertRole(caller, ['admin', 'reporter']);
    const cluster = await this.clusters.get(command.clusterName, caller);
    const bytes = Buffer.byteLength(command.manifests, 'utf8');
    if (bytes > this.limits.maxBytes) {
      throw new PolicySyncException(
        PolicySyncErrorCode.INVENTORY_TOO_LARGE,
        `the inventory is ${bytes} bytes; at most ${this.limits.maxBytes} are accepted (INVENTORY_UPLOAD_MAX_BYTES)`,
      );
    }

    const registry = new CountingRegistry();
    const parsed = parseManifests(command.manifests, { seen: registry });
    if (registry.objects > this.limits.maxObjects) {
      throw new PolicySyncException(
        PolicySyncErrorCode.INVENTORY_TOO_MANY_OBJECTS,
        `the inventory holds ${registry.objects} objects; at most ${this.limits.maxObjects} are accepted (INVENTORY_UPLOAD_MAX_OBJECTS)`,
      );
    }
    const problems: ManifestError[] = [
      ...parsed.errors,
      ...registry.policies.map(({ key, location }) => ({
        document: location.document,
        ...(location.line === undefined ? {} : { line: location.line }),
        path: location.pathPrefix ?? '',
        message: `NetworkPolicy ${key}: an inventory holds namespaces, pods and workloads, not policies (import or propose policies instead)`,
      })),
    ];
    if (problems.length === 0 && parsed.namespaces.length + parsed.pods.length + parsed.workloads.length === 0) {
      problems.push({ document: 1, path: '', message: 'no Namespace, Pod or workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) found' });
    }
    if (problems.length > 0) throw invalid(problems);

    const content = toSnapshotContent(inventoryFromManifests(parsed).inventory);
    const contentHash = inventoryContentHash(content);
    const takenAt = new Date();
    const stored = await this.prisma.$transaction(async (tx) => {
      const snapshot = await this.snapshots.create({ clusterId: cluster.id, source: 'UPLOAD', takenAt, contentHash, ...content }, tx);
      await this.snapshots.prune(cluster.id, this.limits.retain, tx);
      await this.audit.record(tx, {
        actor: caller.principal.actor,
        action: 'inventory.uploaded',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subjectType: 'inventory_snapshot',
        subjectId: snapshot.id,
        after: { source: snapshot.source, takenAt: snapshot.takenAt, contentHash, namespaceCount: snapshot.namespaceCount, podCount: snapshot.podCount },
        request: caller.request,
      });
      return snapshot;
    }, UPLOAD_TRANSACTION);
    this.events.stored({ clusterId: cluster.id, clusterName: cluster.name, snapshotId: stored.id });
    return toInventoryView(cluster.name, { ...stored, ...content });
  }
}

function invalid(problems: ManifestError[]): PolicySyncException {
  const total = problems.length;
  const shown = problems.slice(0, 3).map(formatManifestError).join('; ');
  const more = total > 3 ? `; and ${total - 3} more` : '';
  const listed = total > MAX_LISTED_INVENTORY_ERRORS ? ` (the first ${MAX_LISTED_INVENTORY_ERRORS} are listed)` : '';
  return new PolicySyncException(
    PolicySyncErrorCode.INVENTORY_INVALID,
    `${total} error${total === 1 ? '' : 's'} in the inventory${listed}: ${shown}${more}`,
    problems.slice(0, MAX_LISTED_INVENTORY_ERRORS).map(toDetail),
  );
}
