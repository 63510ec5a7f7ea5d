import { AuditRecorder } from '@palisade/audit';
import { PrismaService, ProposalAnalysisRepository, ProposalRepository } from '@palisade/persistence';
import { assertRole } from '@palisade/shared-types';
import { Injectable } from '@nestjs/common';

import { ApprovalEvaluator, isOpenStatus } from './approval-evaluator.service';
import { gone, isAuthor } from './proposal-access.util';
import type { ProposalView } from './proposal.view';
import { ProposalsErrorCode, ProposalsException } from './proposals.exception';
import { closed, ProposalsService } from './proposals.service';
import type { SubmitReviewCommand } from './submit-review.command';

@Injectable()
export class ReviewsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly proposals: ProposalRepository,
    private readonly proposalService: ProposalsService,
    private readonly evaluator: ApprovalEvaluator,
    private readonly audit: AuditRecorder,
    private readonly analyses: ProposalAnalysisRepository,
  ) {}

  /** Approvers and admins. An author's approval of their own proposal is refused (403) and audited. */
  async submit(command: SubmitReviewCommand): Promise<ProposalView> {
    const { caller } = command;
    const found = await this.proposalService.findVisible(command.proposalId, caller);
    assertRole(caller, ['approver', 'admin']);
    const outcome = await this.prisma.$transaction(async (tx) => {
      const current = (await this.proposals.lockById(found.id, tx)) ?? gone(found.id);
      if (!isOpenStatus(current.status)) throw closed(current, 'reviewed');
      const event = { clusterId: current.clusterId, clusterName: current.clusterName, subjectType: 'proposal', subjectId: current.id, request: caller.request };
      if (command.verdict === 'APPROVE' && isAuthor(current, caller)) {
        // Committed although the request fails: the attempt itself belongs in the trail.
        await this.audit.record(tx, { ...event, actor: caller.principal.actor, action: 'review.self_approval_refused', after: { verdict: command.verdict, revision: current.revision } });
        return 'self-approval' as const;
      }
      // An approval is for one analysed change: none before the current revision's analysis is READY.
      const analysis = await this.analyses.findByProposal(current.id, tx);
      const ready = analysis !== null && analysis.revision === current.revision && analysis.status === 'READY' ? analysis : null;
      if (command.verdict === 'APPROVE' && !ready) {
        if (analysis?.status === 'FAILED' && analysis.revision === current.revision) {
          throw new ProposalsException(ProposalsErrorCode.ANALYSIS_FAILED, `the analysis of proposal ${current.id} failed (${analysis.error ?? 'unknown error'}); retry it before approving`);
        }
        throw new ProposalsException(ProposalsErrorCode.ANALYSIS_PENDING, `the analysis of proposal ${current.id} is not ready yet; approve once it is READY (send Prefer: wait=N to wait for it)`);
      }
      const review = await this.proposals.addReview(
        {
          proposalId: current.id,
          reviewer: caller.principal.actor,
          reviewerGroups: [...caller.principal.groups],
          verdict: command.verdict,
          comment: command.comment,
          proposalRevision: current.revision,
          changeHash: current.changeHash,
          analysisHash: ready?.hash ?? null,
        },
        tx,
      );
      const updated = await this.evaluator.refresh(current, tx);
      await this.audit.record(tx, {
        ...event,
        actor: caller.principal.actor,
        action: 'review.submitted',
        before: { status: current.status },
        after: { reviewId: review.id, verdict: review.verdict, comment: review.comment, revision: review.proposalRevision, analysisHash: review.analysisHash, status: updated.status },
      });
      return updated;
    });
    if (outcome === 'self-approval') {
      throw new ProposalsException(ProposalsErrorCode.SELF_APPROVAL_FORBIDDEN, 'the author of a proposal can never approve it, whatever their roles');
    }
    return this.proposalService.view(outcome);
  }
}
