import { AuditRecorder } from '@palisade/audit';
import { ClustersService } from '@palisade/clusters';
import type { NetworkPolicy } from '@palisade/netpol-engine';
import {
  IdempotencyKeyTakenError,
  PolicySetVersionRepository,
  PrismaService,
  ProposalAnalysisRepository,
  type TransactionClient,
  type ProposalRecord,
  ProposalRepository,
  type ProposalStatusName,
  type ProposalUpdate,
} from '@palisade/persistence';
import { PolicyVersionsErrorCode, PolicyVersionsException } from '@palisade/policy-versions';
import { type Actor, assertRole, type Caller, CommonErrorCode, decodeCursor, DomainException, encodeCursor, hasRole, type Page } from '@palisade/shared-types';
import { ClusterCapabilitiesService } from '@palisade/policy-sync';
import { Inject, Injectable } from '@nestjs/common';

import { analysisMarkdown, changedFlowsDot } from './analysis/analysis-report.util';
import { type ProposalAnalysisDetailView, toAnalysisDetailView, toAnalysisView } from './analysis/analysis.view';
import type { FlowView } from './analysis/analysis-result.type';
import { ProposalAnalysisService } from './analysis/proposal-analysis.service';
import { ApprovalEvaluator, deriveStatus, isOpenStatus } from './approval-evaluator.service';
import { CreateProposalCommand } from './create-proposal.command';
import { changeHashOf, effectiveChanges, type PolicyRef, type ProposalContent } from './proposal-changes.util';
import { assertAuthor, gone, isAuthor, UUID, visibleOrNotFound } from './proposal-access.util';
import { policyDiffs, storedPolicyDiffs, type ProposalSummaryView, type ProposalView, toProposalSummaryView, toReviewView } from './proposal.view';
import { PROPOSAL_QUOTAS, type ProposalQuotas } from './proposal-quotas';
import { ProposalsErrorCode, ProposalsException } from './proposals.exception';
import { RecentCache } from './recent-cache.util';
import type { UpdateProposalCommand } from './update-proposal.command';

const STATUSES: readonly ProposalStatusName[] = ['OPEN', 'CHANGES_REQUESTED', 'APPROVED', 'MERGED', 'REJECTED', 'WITHDRAWN', 'CONFLICTED'];
type ListCursor = [string, string];
const isListCursor = (v: unknown): v is ListCursor =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && UUID.test(v[1]);

/** What the audit trail keeps of a proposal: enough to follow it, not its manifests. */
export function proposalSummary(p: ProposalRecord): Record<string, unknown> {
  return { title: p.title, status: p.status, baseVersion: p.baseVersion, revision: p.revision, changeHash: p.changeHash, touchedPolicies: p.touchedPolicies };
}

export const versionNotFound = (cluster: string, number: number): PolicyVersionsException =>
  new PolicyVersionsException(PolicyVersionsErrorCode.VERSION_NOT_FOUND, `cluster "${cluster}" has no version ${number}`);

/** Base policy sets kept in memory, newest used last. */
const RECENT_BASES = 2;

@Injectable()
export class ProposalsService {
  private readonly recentBases = new RecentCache<NetworkPolicy[]>(RECENT_BASES);

  constructor(
    private readonly prisma: PrismaService,
    private readonly proposals: ProposalRepository,
    private readonly versions: PolicySetVersionRepository,
    private readonly clusterService: ClustersService,
    private readonly evaluator: ApprovalEvaluator,
    private readonly audit: AuditRecorder,
    private readonly capabilities: ClusterCapabilitiesService,
    private readonly analysis: ProposalAnalysisService,
    private readonly analyses: ProposalAnalysisRepository,
    @Inject(PROPOSAL_QUOTAS) private readonly quotas: ProposalQuotas,
  ) {}

  /** Proposers and admins, within their scope. A retry with the same Idempotency-Key returns the first result. */
  async create(command: CreateProposalCommand, waitSeconds = 0): Promise<ProposalView> {
    const { caller } = command;
    assertRole(caller, ['proposer', 'admin']);
    const cluster = await this.clusterService.get(command.clusterName, caller);
    const actor = caller.principal.actor;
    const replay = async (): Promise<ProposalView | null> => {
      if (command.idempotencyKey === null || actor.id === null) return null;
      const existing = await this.proposals.findByIdempotencyKey(actor.id, command.idempotencyKey);
      if (!existing) return null;
      if (existing.idempotencyHash !== command.requestHash()) {
        throw new ProposalsException(
          ProposalsErrorCode.IDEMPOTENCY_KEY_REUSED,
          `Idempotency-Key "${command.idempotencyKey}" was already used for a different request (proposal ${existing.id})`,
        );
      }
      return this.view(existing);
    };
    const replayed = await replay();
    if (replayed) return replayed;

    const baseVersion = command.baseVersion ?? cluster.headVersion;
    if (baseVersion < 1) {
      throw new PolicyVersionsException(PolicyVersionsErrorCode.VERSION_NOT_FOUND, `cluster "${cluster.name}" has no versions yet; import one first`);
    }
    const base = await this.baseFor(cluster.id, cluster.name, baseVersion, command.content);
    const effective = effectiveChanges(base, command.content);
    if (effective.touched.length === 0) {
      throw new ProposalsException(
        ProposalsErrorCode.PROPOSAL_HAS_NO_EFFECT,
        `the proposal changes nothing: applied to version ${baseVersion} it gives the same canonical content`,
      );
    }
    // A field the cluster's API server would drop or reject is refused now, not at sync time.
    await this.capabilities.assertCanStore(cluster.id, effective.upsert);
    try {
      const created = await this.prisma.$transaction(async (tx) => {
        await this.assertWithinQuotas(cluster, actor, tx);
        const proposal = await this.proposals.create(
          {
            clusterId: cluster.id,
            title: command.title,
            description: command.description,
            author: actor,
            baseVersion,
            changes: { upsert: effective.upsert, delete: effective.delete },
            changeHash: changeHashOf(baseVersion, effective),
            touchedPolicies: effective.touched,
            status: 'OPEN',
            source: command.source ? { kind: command.source.kind, url: command.source.url ?? null, commit: command.source.commit ?? null } : null,
            idempotencyKey: actor.id === null ? null : command.idempotencyKey,
            idempotencyHash: command.idempotencyKey === null ? null : command.requestHash(),
            revertsToVersion: command.revertsToVersion,
          },
          tx,
        );
        await this.proposals.saveDiffs({ proposalId: proposal.id, revision: proposal.revision, baseVersion, ...storedPolicyDiffs(base, effective) }, tx);
        await this.analysis.markPending(proposal, tx);
        const refreshed = await this.evaluator.refresh(proposal, tx);
        await this.audit.record(tx, {
          actor,
          action: 'proposal.created',
          clusterId: cluster.id,
          clusterName: cluster.name,
          subjectType: 'proposal',
          subjectId: proposal.id,
          after: { ...proposalSummary(refreshed), source: refreshed.source, revertsToVersion: refreshed.revertsToVersion },
          request: caller.request,
        });
        return refreshed;
      });
      void this.analysis.start(created.id);
      if (waitSeconds > 0) await this.analysis.waitFor(created.id, waitSeconds);
      return await this.view(await this.reload(created));
    } catch (error) {
      if (error instanceof IdempotencyKeyTakenError) {
        const again = await replay(); // a concurrent retry won the race: answer with its result
        if (again) return again;
      }
      throw error;
    }
  }

  /** Opens a normal proposal whose content is an earlier version's, so a rollback is reviewed like any change. */
  async revert(input: { caller: Caller; clusterName: string; toVersion: number; title?: string | null; description?: string | null }): Promise<ProposalView> {
    assertRole(input.caller, ['proposer', 'admin']);
    const cluster = await this.clusterService.get(input.clusterName, input.caller);
    if (!Number.isInteger(input.toVersion) || input.toVersion < 1) {
      throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'toVersion must be a version number', [{ path: 'toVersion', message: 'must be a version number' }]);
    }
    const target = await this.basePolicies(cluster.id, cluster.name, input.toVersion);
    return this.create(
      CreateProposalCommand.from({
        caller: input.caller,
        clusterName: cluster.name,
        title: input.title ?? `Revert to version ${input.toVersion}`,
        description: input.description ?? null,
        baseVersion: cluster.headVersion,
        content: { mode: 'replace', input: { format: 'json', policies: target } },
        source: { kind: 'revert' },
        revertsToVersion: input.toVersion,
      }),
    );
  }

  async get(id: string, caller: Caller): Promise<ProposalView> {
    return this.view(await this.findVisible(id, caller));
  }

  /** A cluster's proposals, newest first, optionally of some statuses and from one source URL. */
  async list(clusterName: string, options: { status?: string[]; sourceUrl?: string; cursor?: string; limit: number }, caller: Caller): Promise<Page<ProposalSummaryView>> {
    const cluster = await this.clusterService.get(clusterName, caller);
    const unknown = (options.status ?? []).filter((s) => !STATUSES.includes(s as ProposalStatusName));
    if (unknown.length > 0) {
      const message = `status must be one of ${STATUSES.join(', ')}`;
      throw new DomainException(CommonErrorCode.VALIDATION_FAILED, message, [{ path: 'status', message }]);
    }
    let before: { createdAt: Date; id: string } | undefined;
    if (options.cursor !== undefined) {
      const decoded = decodeCursor(options.cursor, isListCursor);
      if (!decoded) throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'cursor is not one this API returned', [{ path: 'cursor', message: 'cursor is not one this API returned' }]);
      before = { createdAt: new Date(decoded[0]), id: decoded[1] };
    }
    const statuses = options.status && options.status.length > 0 ? (options.status as ProposalStatusName[]) : undefined;
    const sourceUrl = options.sourceUrl === undefined || options.sourceUrl === '' ? undefined : options.sourceUrl;
    const rows = await this.proposals.list(cluster.id, { statuses, sourceUrl, before, limit: options.limit + 1 });
    const items = rows.slice(0, options.limit);
    const last = items.at(-1);
    return {
      items: items.map(toProposalSummaryView),
      nextCursor: rows.length > options.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  /** The author replaces the changes (dismissing earlier reviews), the base, or the title. */
  async update(command: UpdateProposalCommand, waitSeconds = 0): Promise<ProposalView> {
    const { caller } = command;
    const found = await this.assertMayUpdate(command.id, caller);
    const updated = await this.prisma.$transaction(async (tx) => {
      const current = (await this.proposals.lockById(found.id, tx)) ?? gone(found.id);
      if (!isOpenStatus(current.status) && current.status !== 'CONFLICTED') throw closed(current, 'updated');
      const patch: ProposalUpdate = {};
      let diffs: ReturnType<typeof storedPolicyDiffs> | null = null;
      if (command.title !== null) patch.title = command.title;
      if (command.description !== null) patch.description = command.description;
      if (command.content !== null || command.baseVersion !== null) {
        const baseVersion = command.baseVersion ?? current.baseVersion;
        const content: ProposalContent = command.content ?? {
          mode: 'changes',
          upsert: current.changes.upsert as NetworkPolicy[],
          delete: current.changes.delete,
        };
        const base = await this.baseFor(current.clusterId, current.clusterName, baseVersion, content, tx);
        const effective = effectiveChanges(base, content);
        if (effective.touched.length === 0) {
          throw new ProposalsException(ProposalsErrorCode.PROPOSAL_HAS_NO_EFFECT, `the new changes leave version ${baseVersion} as it is (same canonical content)`);
        }
        await this.capabilities.assertCanStore(current.clusterId, effective.upsert, tx);
        const changeHash = changeHashOf(baseVersion, effective);
        if (changeHash !== current.changeHash) {
          Object.assign(patch, {
            baseVersion,
            changes: { upsert: effective.upsert, delete: effective.delete },
            changeHash,
            touchedPolicies: effective.touched,
            revision: current.revision + 1,
            conflictPolicies: [],
            status: 'OPEN',
          } satisfies ProposalUpdate);
          diffs = storedPolicyDiffs(base, effective);
        }
      }
      const changed = await this.proposals.update(current.id, patch, tx);
      if (diffs) await this.proposals.saveDiffs({ proposalId: changed.id, revision: changed.revision, baseVersion: changed.baseVersion, ...diffs }, tx);
      if (changed.revision !== current.revision || changed.baseVersion !== current.baseVersion) await this.analysis.markPending(changed, tx);
      const saved = await this.evaluator.refresh(changed, tx);
      await this.audit.record(tx, {
        actor: caller.principal.actor,
        action: 'proposal.updated',
        clusterId: current.clusterId,
        clusterName: current.clusterName,
        subjectType: 'proposal',
        subjectId: current.id,
        before: proposalSummary(current),
        after: proposalSummary(saved),
        request: caller.request,
      });
      return saved;
    });
    if (updated.revision !== found.revision || updated.baseVersion !== found.baseVersion) {
      void this.analysis.start(updated.id);
      if (waitSeconds > 0) await this.analysis.waitFor(updated.id, waitSeconds);
    }
    return this.view(await this.reload(updated));
  }

  /** Runs the analysis of the current revision again (after a failure, or to pick up a new engine); author, approvers, admins. */
  async retryAnalysis(id: string, caller: Caller, waitSeconds = 0): Promise<ProposalView> {
    const found = await this.findVisible(id, caller);
    if (!isAuthor(found, caller) && !hasRole(caller.principal, ['approver', 'admin'])) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'only the author, an approver or an admin may retry an analysis');
    }
    if (!isOpenStatus(found.status) || found.status === 'CONFLICTED') throw closed(found, 'analysed again');
    await this.prisma.$transaction(async (tx) => {
      const current = (await this.proposals.lockById(found.id, tx)) ?? gone(found.id);
      await this.analysis.markPending(current, tx);
      await this.audit.record(tx, {
        actor: caller.principal.actor,
        action: 'proposal.analysis_requested',
        clusterId: current.clusterId,
        clusterName: current.clusterName,
        subjectType: 'proposal',
        subjectId: current.id,
        after: { revision: current.revision },
        request: caller.request,
      });
      await this.evaluator.refresh(current, tx);
    });
    void this.analysis.start(found.id);
    if (waitSeconds > 0) await this.analysis.waitFor(found.id, waitSeconds);
    return this.get(found.id, caller);
  }

  /** The analysis with its flows, paged. */
  async analysisOf(id: string, caller: Caller, page: { limit: number; cursor?: string }): Promise<ProposalAnalysisDetailView> {
    const found = await this.findVisible(id, caller);
    const analysis = await this.analyses.findByProposal(found.id);
    if (!analysis) throw new ProposalsException(ProposalsErrorCode.ANALYSIS_NOT_FOUND, `proposal ${found.id} has no analysis yet`);
    let offset = 0;
    if (page.cursor !== undefined) {
      const decoded = decodeCursor(page.cursor, (v): v is [string, number] => Array.isArray(v) && v.length === 2 && v[0] === analysis.hash && Number.isInteger(v[1]) && (v[1] as number) >= 0);
      if (!decoded) throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'cursor is not one this API returned for the current analysis', [{ path: 'cursor', message: 'cursor is not one this API returned for the current analysis' }]);
      offset = decoded[1];
    }
    const flows = (await this.analyses.flows(found.id)) ?? { opened: [], closed: [] };
    return toAnalysisDetailView(analysis, flows as { opened: FlowView[]; closed: FlowView[] }, { offset, limit: page.limit }, (next) => encodeCursor([analysis.hash, next]));
  }

  /** The analysis as a Markdown report (pull-request ready) or the changed flows as Graphviz dot. */
  async analysisReport(id: string, caller: Caller, format: 'markdown' | 'dot'): Promise<string> {
    const proposal = await this.get(id, caller);
    const detail = await this.analysisOf(id, caller, { limit: Number.MAX_SAFE_INTEGER });
    return format === 'markdown' ? analysisMarkdown(proposal, detail) : changedFlowsDot(detail);
  }

  /**
   * Refuses a new proposal once the cluster or the author has as many open ones as the quotas allow. Advisory locks
   * (held until the transaction ends) serialise concurrent creations for the same cluster and author, so the counts hold.
   */
  private async assertWithinQuotas(cluster: { id: string; name: string }, author: Actor, tx: TransactionClient): Promise<void> {
    const { perCluster, perPrincipal } = this.quotas;
    const authorKey = author.id ?? `${author.kind}:${author.name}`;
    if (perCluster > 0) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`proposal-quota:cluster:${cluster.id}`}, 0))`;
      if ((await this.proposals.countActive({ clusterId: cluster.id }, tx)) >= perCluster) {
        throw new ProposalsException(
          ProposalsErrorCode.PROPOSAL_QUOTA_EXCEEDED,
          `cluster "${cluster.name}" already has ${perCluster} open proposals (PROPOSAL_QUOTA_PER_CLUSTER); merge, reject or withdraw some first`,
        );
      }
    }
    if (perPrincipal > 0) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`proposal-quota:principal:${authorKey}`}, 0))`;
      if ((await this.proposals.countActive({ author }, tx)) >= perPrincipal) {
        throw new ProposalsException(
          ProposalsErrorCode.PROPOSAL_QUOTA_EXCEEDED,
          `"${author.name}" already has ${perPrincipal} open proposals (PROPOSAL_QUOTA_PER_PRINCIPAL); merge or withdraw some first`,
        );
      }
    }
  }

  private async reload(record: ProposalRecord): Promise<ProposalRecord> {
    return (await this.proposals.findById(record.id)) ?? record;
  }

  /** The author closes their own proposal. */
  async withdraw(id: string, caller: Caller): Promise<ProposalView> {
    const found = await this.findVisible(id, caller);
    assertAuthor(found, caller, 'withdraw');
    return this.close(found, caller, 'WITHDRAWN', 'proposal.withdrawn', null);
  }

  /** An approver (or admin) closes a proposal for good. */
  async reject(id: string, comment: string | null, caller: Caller): Promise<ProposalView> {
    const found = await this.findVisible(id, caller);
    assertRole(caller, ['approver', 'admin']);
    return this.close(found, caller, 'REJECTED', 'proposal.rejected', comment);
  }

  /** The proposal, if the caller may update it (its author); the API asks before reading a new policy set. */
  async assertMayUpdate(id: string, caller: Caller): Promise<ProposalRecord> {
    const found = await this.findVisible(id, caller);
    assertAuthor(found, caller, 'update');
    return found;
  }

  async findVisible(id: string, caller: Caller): Promise<ProposalRecord> {
    return visibleOrNotFound(id, UUID.test(id) ? await this.proposals.findById(id) : null, caller);
  }

  /** The full view: changes with per-policy diffs against the base, reviews and the approval evaluation. */
  async view(record: ProposalRecord): Promise<ProposalView> {
    const base = await this.baseFor(record.clusterId, record.clusterName, record.baseVersion, { mode: 'changes', upsert: record.changes.upsert as NetworkPolicy[], delete: record.changes.delete });
    const reviews = await this.proposals.listReviews(record.id);
    const evaluation = await this.evaluator.evaluate(record);
    const analysis = await this.analyses.findByProposal(record.id);
    const changes = { upsert: record.changes.upsert as NetworkPolicy[], delete: record.changes.delete as PolicyRef[] };
    // Diffs are stored with each revision; a proposal stored before that has them computed here.
    const stored = await this.proposals.findDiffs(record.id);
    return {
      ...toProposalSummaryView(record),
      // Derived from the rules as they are now: a rule change is seen at once, before ApprovalStatusRefresher stores it.
      status: deriveStatus(record.status, evaluation),
      changes,
      changeHash: record.changeHash,
      diff: policyDiffs(base, changes, stored && stored.revision === record.revision && stored.baseVersion === record.baseVersion ? stored.diffs : undefined),
      reviews: reviews.map((r) => toReviewView(r, record.revision)),
      approvals: evaluation,
      requiredApprovals: evaluation.requiredApprovals,
      analysis: analysis ? toAnalysisView(analysis) : null,
    };
  }

  private async close(found: ProposalRecord, caller: Caller, status: 'WITHDRAWN' | 'REJECTED', action: string, comment: string | null): Promise<ProposalView> {
    const saved = await this.prisma.$transaction(async (tx) => {
      const current = (await this.proposals.lockById(found.id, tx)) ?? gone(found.id);
      if (!isOpenStatus(current.status) && current.status !== 'CONFLICTED') throw closed(current, status.toLowerCase());
      const updated = await this.proposals.update(
        current.id,
        { status, closedAt: new Date(), closedBy: { id: caller.principal.actor.id, name: caller.principal.actor.name }, closeComment: comment },
        tx,
      );
      await this.audit.record(tx, {
        actor: caller.principal.actor,
        action,
        clusterId: current.clusterId,
        clusterName: current.clusterName,
        subjectType: 'proposal',
        subjectId: current.id,
        before: { status: current.status },
        after: { status, comment },
        request: caller.request,
      });
      return updated;
    });
    return this.view(saved);
  }

  /**
   * What a content needs of its base: a complete desired set is compared with every policy; explicit
   * changes only with the policies they name, read alone (a large base is never loaded for them).
   */
  private async baseFor(clusterId: string, clusterName: string, number: number, content: ProposalContent, tx?: TransactionClient): Promise<NetworkPolicy[]> {
    if (content.mode === 'replace') return this.basePolicies(clusterId, clusterName, number, tx);
    const cached = await this.cachedBase(clusterId, number, tx);
    if (cached === undefined) throw versionNotFound(clusterName, number);
    if (cached !== null) return cached;
    const refs = [...content.upsert.map((p) => ({ namespace: p.metadata.namespace, name: p.metadata.name })), ...content.delete];
    return (await this.versions.findPolicies(clusterId, number, refs, tx)).map((p) => p.manifest as NetworkPolicy);
  }

  /** The remembered policies of a version, null when not remembered, undefined when there is no such version. */
  private async cachedBase(clusterId: string, number: number, tx?: TransactionClient): Promise<NetworkPolicy[] | null | undefined> {
    const summary = await this.versions.find(clusterId, number, tx);
    if (!summary) return undefined;
    const cached = this.recentBases.get(summary.contentHash);
    return cached ? [...cached] : null;
  }

  /**
   * A version's policies. Sets are remembered by content hash (a version never changes): loading the
   * 60,000 policies of a large version takes seconds, all on the event loop, and every proposal and
   * every view of one needs its base.
   */
  private async basePolicies(clusterId: string, clusterName: string, number: number, tx?: Parameters<PolicySetVersionRepository['findWithPolicies']>[2]): Promise<NetworkPolicy[]> {
    const summary = await this.versions.find(clusterId, number, tx);
    if (!summary) throw versionNotFound(clusterName, number);
    const cached = this.recentBases.get(summary.contentHash);
    if (cached) return [...cached];
    const version = await this.versions.findWithPolicies(clusterId, number, tx);
    if (!version) throw versionNotFound(clusterName, number);
    const policies = version.policies.map((p) => p.manifest as NetworkPolicy);
    this.recentBases.set(version.contentHash, policies);
    return [...policies];
  }
}

export function closed(proposal: ProposalRecord, attempted: string): ProposalsException {
  if (proposal.status === 'MERGED') {
    return new ProposalsException(ProposalsErrorCode.PROPOSAL_ALREADY_MERGED, `proposal ${proposal.id} is already merged (version ${proposal.mergedVersion})`);
  }
  return new ProposalsException(ProposalsErrorCode.PROPOSAL_CLOSED, `proposal ${proposal.id} is ${proposal.status} and cannot be ${attempted}`);
}
