import { AuditRecorder } from '@palisade/audit';
import type { NetworkPolicy } from '@palisade/netpol-engine';
import { ClusterRepository, PolicySetVersionRepository, PrismaService, ProposalRepository } from '@palisade/persistence';
import { toStoredPolicies } from '@palisade/policy-versions';
import { type Caller, CommonErrorCode, DomainException, hasRole } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { ApprovalEvaluator } from './approval-evaluator.service';
import { applyChanges, changedKeys, type PolicyRef } from './proposal-changes.util';
import { gone, isAuthor } from './proposal-access.util';
import type { ProposalView } from './proposal.view';
import { ProposalsErrorCode, ProposalsException } from './proposals.exception';
import { closed, proposalSummary, ProposalsService, versionNotFound } from './proposals.service';

// Merges queue on the cluster row lock; give a burst of them time rather than failing the late ones.
const MERGE_TRANSACTION = { maxWait: 60_000, timeout: 120_000 };

type MergeOutcome = { kind: 'merged'; id: string } | { kind: 'conflicted'; overlap: string[]; head: number } | { kind: 'not-approved'; reason: string };

@Injectable()
export class MergeService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterRepository,
    private readonly proposals: ProposalRepository,
    private readonly versions: PolicySetVersionRepository,
    private readonly proposalService: ProposalsService,
    private readonly evaluator: ApprovalEvaluator,
    private readonly audit: AuditRecorder,
  ) {}

  /**
   * Makes an APPROVED proposal the cluster's next version (author, approvers, admins). Merges of one
   * cluster are serialised on its row lock, so numbers stay gap-free and each change lands once. When
   * the head moved since the base, changes disjoint from what moved are rebased onto the head;
   * overlapping ones mark the proposal CONFLICTED (stored) and answer 409.
   */
  async merge(id: string, caller: Caller): Promise<ProposalView> {
    const found = await this.proposalService.findVisible(id, caller);
    if (!isAuthor(found, caller) && !hasRole(caller.principal, ['approver', 'admin'])) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'only the author, an approver or an admin may merge a proposal');
    }
    const actor = caller.principal.actor;
    const outcome = await this.prisma.$transaction(async (tx): Promise<MergeOutcome> => {
      // Lock order everywhere: cluster row, then proposal row, then (in the recorder) the audit chain head.
      const cluster = (await this.clusters.lockByName(found.clusterName, tx)) ?? gone(found.id);
      const proposal = (await this.proposals.lockById(found.id, tx)) ?? gone(found.id);
      if (proposal.status === 'MERGED' || proposal.status === 'WITHDRAWN' || proposal.status === 'REJECTED') throw closed(proposal, 'merged');
      if (proposal.status === 'CONFLICTED') return { kind: 'conflicted', overlap: proposal.conflictPolicies, head: cluster.headVersion };
      const evaluation = await this.evaluator.evaluate(proposal, tx);
      if (!evaluation.satisfied) {
        const reason =
          evaluation.blockedBy.length > 0
            ? `changes were requested by ${evaluation.blockedBy.map((r) => r.name).join(', ')}`
            : `it needs ${evaluation.missing.approvals} more approval(s)${evaluation.missing.groups.length ? ` and approval from group(s) ${evaluation.missing.groups.join(', ')}` : ''}`;
        return { kind: 'not-approved', reason };
      }
      const load = async (number: number): Promise<NetworkPolicy[]> => {
        const version = await this.versions.findWithPolicies(cluster.id, number, tx);
        if (!version) throw versionNotFound(cluster.name, number);
        return version.policies.map((p) => p.manifest as NetworkPolicy);
      };
      const base = await load(proposal.baseVersion);
      const head = cluster.headVersion === proposal.baseVersion ? base : await load(cluster.headVersion);
      if (head !== base) {
        const moved = changedKeys(base, head);
        const overlap = proposal.touchedPolicies.filter((key) => moved.has(key));
        if (overlap.length > 0) {
          const conflicted = await this.proposals.update(proposal.id, { status: 'CONFLICTED', conflictPolicies: overlap }, tx);
          await this.audit.record(tx, {
            actor,
            action: 'proposal.conflicted',
            clusterId: cluster.id,
            clusterName: cluster.name,
            subjectType: 'proposal',
            subjectId: proposal.id,
            before: proposalSummary(proposal),
            after: { ...proposalSummary(conflicted), headVersion: cluster.headVersion, conflictPolicies: overlap },
            request: caller.request,
          });
          return { kind: 'conflicted', overlap, head: cluster.headVersion };
        }
      }
      const changes = { upsert: proposal.changes.upsert as NetworkPolicy[], delete: proposal.changes.delete as PolicyRef[] };
      const { contentHash, stored } = toStoredPolicies(applyChanges(head, changes));
      const version = await this.versions.append(
        {
          clusterId: cluster.id,
          contentHash,
          authorId: proposal.author.id,
          authorName: proposal.author.name,
          origin: 'PROPOSAL',
          sourceProposalId: proposal.id,
          policies: stored,
        },
        tx,
      );
      const merged = await this.proposals.update(
        proposal.id,
        {
          status: 'MERGED',
          mergedVersion: version.number,
          mergedOntoVersion: cluster.headVersion,
          closedAt: new Date(),
          closedBy: { id: actor.id, name: actor.name },
        },
        tx,
      );
      await this.audit.record(tx, {
        actor,
        action: 'proposal.merged',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subjectType: 'proposal',
        subjectId: proposal.id,
        before: { ...proposalSummary(proposal), headVersion: cluster.headVersion },
        after: {
          ...proposalSummary(merged),
          version: version.number,
          versionId: version.id,
          mergedOntoVersion: cluster.headVersion,
          rebased: cluster.headVersion !== proposal.baseVersion,
          contentHash,
          approvers: evaluation.received.approvers,
        },
        request: caller.request,
      });
      return { kind: 'merged', id: merged.id };
    }, MERGE_TRANSACTION);

    if (outcome.kind === 'not-approved') {
      throw new ProposalsException(ProposalsErrorCode.PROPOSAL_NOT_APPROVED, `proposal ${found.id} is not approved: ${outcome.reason}`);
    }
    if (outcome.kind === 'conflicted') {
      throw new ProposalsException(
        ProposalsErrorCode.PROPOSAL_CONFLICTED,
        `proposal ${found.id} conflicts with version ${outcome.head}: both change ${outcome.overlap.join(', ')}`,
        outcome.overlap.map((key) => ({ path: key, message: 'changed both by this proposal and by a version merged since its base' })),
      );
    }
    return this.proposalService.get(outcome.id, caller);
  }
}
