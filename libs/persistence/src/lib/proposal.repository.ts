import type { Actor } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { Prisma, type Proposal, type Review } from '../generated/prisma/client';
import type {
  NewProposal,
  NewReview,
  ProposalChangesRecord,
  ProposalDiffsRecord,
  ProposalListOptions,
  ProposalRecord,
  ProposalStatusName,
  ProposalUpdate,
  ReviewDismissalRecord,
  ReviewRecord,
} from './proposal.record';
import { PrismaService, type TransactionClient } from './prisma.service';
import { isUniqueViolation } from './prisma-errors.util';

/** Another proposal of the same author already uses this idempotency key. */
export class IdempotencyKeyTakenError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`idempotency key ${idempotencyKey} is taken`);
  }
}

const ACTIVE: ProposalStatusName[] = ['OPEN', 'CHANGES_REQUESTED', 'APPROVED', 'CONFLICTED'];

export function toProposal(row: Proposal & { cluster: { name: string } }): ProposalRecord {
  return {
    id: row.id,
    clusterId: row.clusterId,
    clusterName: row.cluster.name,
    title: row.title,
    description: row.description,
    author: { id: row.authorId, name: row.authorName, kind: row.authorKind as Actor['kind'] },
    baseVersion: row.baseVersion,
    revision: row.revision,
    changes: row.changes as unknown as ProposalChangesRecord,
    changeHash: row.changeHash,
    touchedPolicies: row.touchedPolicies,
    status: row.status,
    conflictPolicies: row.conflictPolicies,
    source: row.sourceKind !== null ? { kind: row.sourceKind, url: row.sourceUrl, commit: row.sourceCommit } : null,
    idempotencyKey: row.idempotencyKey,
    idempotencyHash: row.idempotencyHash,
    revertsToVersion: row.revertsToVersion,
    mergedVersion: row.mergedVersion,
    mergedOntoVersion: row.mergedOntoVersion,
    closedAt: row.closedAt,
    closedBy: row.closedByName !== null ? { id: row.closedById, name: row.closedByName } : null,
    closeComment: row.closeComment,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toReview(row: Review): ReviewRecord {
  return {
    id: row.id,
    proposalId: row.proposalId,
    reviewer: { id: row.reviewerId, name: row.reviewerName, kind: row.reviewerKind as Actor['kind'] },
    reviewerGroups: row.reviewerGroups,
    verdict: row.verdict,
    comment: row.comment,
    proposalRevision: row.proposalRevision,
    changeHash: row.changeHash,
    analysisHash: row.analysisHash,
    dismissal:
      row.dismissedReason !== null && row.dismissedAt !== null
        ? { ...((row.dismissal ?? {}) as Omit<ReviewDismissalRecord, 'reason' | 'at'>), reason: row.dismissedReason as ReviewDismissalRecord['reason'], at: row.dismissedAt }
        : null,
    createdAt: row.createdAt,
  };
}

const withCluster = { cluster: { select: { name: true } } } as const;

@Injectable()
export class ProposalRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** @throws IdempotencyKeyTakenError when the author already used the key. */
  async create(proposal: NewProposal, tx: TransactionClient = this.prisma): Promise<ProposalRecord> {
    try {
      const row = await tx.proposal.create({
        data: {
          clusterId: proposal.clusterId,
          title: proposal.title,
          description: proposal.description,
          authorId: proposal.author.id,
          authorName: proposal.author.name,
          authorKind: proposal.author.kind,
          baseVersion: proposal.baseVersion,
          changes: proposal.changes as unknown as Prisma.InputJsonValue,
          changeHash: proposal.changeHash,
          touchedPolicies: proposal.touchedPolicies,
          conflictPolicies: [],
          status: proposal.status,
          sourceKind: proposal.source?.kind ?? null,
          sourceUrl: proposal.source?.url ?? null,
          sourceCommit: proposal.source?.commit ?? null,
          idempotencyKey: proposal.idempotencyKey,
          idempotencyHash: proposal.idempotencyHash,
          revertsToVersion: proposal.revertsToVersion,
        },
        include: withCluster,
      });
      return toProposal(row);
    } catch (error) {
      if (proposal.idempotencyKey !== null && isUniqueViolation(error)) throw new IdempotencyKeyTakenError(proposal.idempotencyKey);
      throw error;
    }
  }

  async findById(id: string, tx: TransactionClient = this.prisma): Promise<ProposalRecord | null> {
    const row = await tx.proposal.findUnique({ where: { id }, include: withCluster });
    return row ? toProposal(row) : null;
  }

  async findByIdempotencyKey(authorId: string, key: string, tx: TransactionClient = this.prisma): Promise<ProposalRecord | null> {
    const row = await tx.proposal.findUnique({ where: { authorId_idempotencyKey: { authorId, idempotencyKey: key } }, include: withCluster });
    return row ? toProposal(row) : null;
  }

  /** Locks the proposal row until the transaction ends (after the cluster row, when both are locked). */
  async lockById(id: string, tx: TransactionClient): Promise<ProposalRecord | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM proposals WHERE id = ${id}::uuid FOR UPDATE`;
    return rows.length === 0 ? null : this.findById(id, tx);
  }

  /** Stores (or replaces) the diffs of the proposal's current revision. */
  async saveDiffs(diffs: ProposalDiffsRecord, tx: TransactionClient): Promise<void> {
    const data = { baseVersion: diffs.baseVersion, bytes: diffs.bytes, diffs: diffs.diffs as unknown as Prisma.InputJsonValue, revision: diffs.revision };
    await tx.proposalDiff.upsert({ where: { proposalId: diffs.proposalId }, create: { proposalId: diffs.proposalId, ...data }, update: data });
  }

  async findDiffs(proposalId: string): Promise<ProposalDiffsRecord | null> {
    const row = await this.prisma.proposalDiff.findUnique({ where: { proposalId } });
    return row
      ? { proposalId: row.proposalId, revision: row.revision, baseVersion: row.baseVersion, bytes: row.bytes, diffs: row.diffs as unknown as ProposalDiffsRecord['diffs'] }
      : null;
  }

  async update(id: string, update: ProposalUpdate, tx: TransactionClient): Promise<ProposalRecord> {
    const { changes, closedBy, ...rest } = update;
    const row = await tx.proposal.update({
      where: { id },
      data: {
        ...rest,
        ...(changes !== undefined ? { changes: changes as unknown as Prisma.InputJsonValue } : {}),
        ...(closedBy !== undefined ? { closedById: closedBy?.id ?? null, closedByName: closedBy?.name ?? null } : {}),
      },
      include: withCluster,
    });
    return toProposal(row);
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  async list(clusterId: string, options: ProposalListOptions): Promise<ProposalRecord[]> {
    const before = options.before;
    const rows = await this.prisma.proposal.findMany({
      where: {
        clusterId,
        ...(options.statuses ? { status: { in: options.statuses } } : {}),
        ...(options.sourceUrl !== undefined ? { sourceUrl: options.sourceUrl } : {}),
        ...(before
          ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.limit,
      include: withCluster,
    });
    return rows.map(toProposal);
  }

  /** Proposals whose status can still change (for re-evaluation when approval rules change). */
  /** Open proposals of a cluster, or of an author (by id, or by name and kind for principals without an id). */
  async countActive(of: { clusterId: string } | { author: Actor }, tx: TransactionClient = this.prisma): Promise<number> {
    const where =
      'clusterId' in of
        ? { clusterId: of.clusterId }
        : of.author.id !== null
          ? { authorId: of.author.id }
          : { authorId: null, authorName: of.author.name, authorKind: of.author.kind };
    return tx.proposal.count({ where: { ...where, status: { in: ACTIVE } } });
  }

  /** A page of open proposals' ids in id order, after `afterId`. */
  async listActiveIdsAfter(afterId: string | null, limit: number, tx: TransactionClient = this.prisma): Promise<string[]> {
    const rows = await tx.proposal.findMany({
      where: { status: { in: ACTIVE }, ...(afterId ? { id: { gt: afterId } } : {}) },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  async listActive(tx: TransactionClient = this.prisma): Promise<ProposalRecord[]> {
    const rows = await tx.proposal.findMany({ where: { status: { in: ACTIVE } }, include: withCluster, orderBy: { createdAt: 'asc' } });
    return rows.map(toProposal);
  }

  async addReview(review: NewReview, tx: TransactionClient): Promise<ReviewRecord> {
    const row = await tx.review.create({
      data: {
        proposalId: review.proposalId,
        reviewerId: review.reviewer.id,
        reviewerName: review.reviewer.name,
        reviewerKind: review.reviewer.kind,
        reviewerGroups: review.reviewerGroups,
        verdict: review.verdict,
        comment: review.comment,
        proposalRevision: review.proposalRevision,
        changeHash: review.changeHash,
        analysisHash: review.analysisHash,
      },
    });
    return toReview(row);
  }

  /** Moves reviews to another analysis hash whose result is the same (a re-analysis that found nothing new). */
  async rebindReviews(reviewIds: string[], analysisHash: string, tx: TransactionClient): Promise<void> {
    if (reviewIds.length === 0) return;
    await tx.review.updateMany({ where: { id: { in: reviewIds } }, data: { analysisHash } });
  }

  /** Marks reviews as no longer counting, with why. */
  async dismissReviews(reviewIds: string[], dismissal: ReviewDismissalRecord, tx: TransactionClient): Promise<void> {
    if (reviewIds.length === 0) return;
    const { reason, at, ...detail } = dismissal;
    await tx.review.updateMany({
      where: { id: { in: reviewIds } },
      data: { dismissedReason: reason, dismissedAt: at, dismissal: detail as unknown as Prisma.InputJsonValue },
    });
  }

  /** Ids of the open proposals of a cluster (for re-analysis when a new inventory snapshot arrives). */
  async listActiveIds(clusterId: string, tx: TransactionClient = this.prisma): Promise<string[]> {
    const rows = await tx.proposal.findMany({ where: { clusterId, status: { in: ACTIVE } }, select: { id: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => r.id);
  }

  /** Oldest first. */
  /** Locks the open proposals among `ids` (in id order, so concurrent callers cannot deadlock) and returns them. */
  async lockActive(ids: readonly string[], tx: TransactionClient): Promise<ProposalRecord[]> {
    if (ids.length === 0) return [];
    const sorted = [...ids].sort();
    await tx.$queryRaw`SELECT id FROM proposals WHERE id = ANY(${sorted}::uuid[]) ORDER BY id FOR UPDATE`;
    const rows = await tx.proposal.findMany({ where: { id: { in: sorted }, status: { in: ACTIVE } }, include: withCluster, orderBy: { id: 'asc' } });
    return rows.map(toProposal);
  }

  /** Sets the status of many proposals; returns how many rows changed. */
  async setStatus(ids: readonly string[], status: ProposalStatusName, tx: TransactionClient): Promise<number> {
    return (await tx.proposal.updateMany({ where: { id: { in: [...ids] } }, data: { status } })).count;
  }

  /** Reviews of many proposals, by proposal id, each list oldest first. */
  async listReviewsOf(proposalIds: readonly string[], tx: TransactionClient = this.prisma): Promise<Map<string, ReviewRecord[]>> {
    const rows = await tx.review.findMany({ where: { proposalId: { in: [...proposalIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const byProposal = new Map<string, ReviewRecord[]>(proposalIds.map((id) => [id, []]));
    for (const row of rows) byProposal.get(row.proposalId)?.push(toReview(row));
    return byProposal;
  }

  async listReviews(proposalId: string, tx: TransactionClient = this.prisma): Promise<ReviewRecord[]> {
    const rows = await tx.review.findMany({ where: { proposalId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toReview);
  }
}
