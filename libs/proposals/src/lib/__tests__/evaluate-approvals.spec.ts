import type { Actor } from '@palisade/shared-types';

import { type ApprovalRuleSpec, evaluateApprovals, type ReviewFact } from '../evaluate-approvals.util';
import { unifiedDiff } from '../text-diff.util';

const author: Actor = { id: 'a', name: 'author', kind: 'bot' };
const person = (id: string): Actor => ({ id, name: id, kind: 'human' });
let clock = 0;
const review = (who: Actor, verdict: ReviewFact['verdict'], revision = 1, groups: string[] = []): ReviewFact => ({
  reviewer: who,
  reviewerGroups: groups,
  verdict,
  proposalRevision: revision,
  createdAt: new Date(++clock * 1000),
});
const prod: ApprovalRuleSpec = { name: 'prod', matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'] };
const all: ApprovalRuleSpec = { name: 'all', matchLabels: {}, minApprovals: 1, requiredGroups: [] };

describe(evaluateApprovals.name, () => {
  it.each([
    // no rule: one approval
    [{}, [], [], { required: 1, missing: 1, satisfied: false }],
    [{}, [], [review(person('x'), 'APPROVE')], { required: 1, missing: 0, satisfied: true }],
    // the author's own approval never counts
    [{}, [], [review(author, 'APPROVE')], { required: 1, missing: 1, satisfied: false }],
    // a review of an older revision was dismissed
    [{}, [], [review(person('x'), 'APPROVE', 0)], { required: 1, missing: 1, satisfied: false }],
    // matching rules combine: largest minimum, every group
    [{ env: 'prod' }, [prod, all], [review(person('x'), 'APPROVE'), review(person('y'), 'APPROVE')], { required: 2, missing: 0, satisfied: false }],
    [{ env: 'prod' }, [prod, all], [review(person('x'), 'APPROVE'), review(person('y'), 'APPROVE', 1, ['security'])], { required: 2, missing: 0, satisfied: true }],
    // a rule for other labels does not apply
    [{ env: 'dev' }, [prod], [review(person('x'), 'APPROVE')], { required: 1, missing: 0, satisfied: true }],
    // the same reviewer twice is one approval
    [{ env: 'prod' }, [prod], [review(person('x'), 'APPROVE', 1, ['security']), review(person('x'), 'APPROVE', 1, ['security'])], { required: 2, missing: 1, satisfied: false }],
  ])('given labels %j and rules %j', (labels, rules, reviews, expected) => {
    const sut = evaluateApprovals({ author, revision: 1, clusterLabels: labels }, rules, reviews);
    expect({ required: sut.required.approvals, missing: sut.missing.approvals, satisfied: sut.satisfied }).toEqual(expected);
  });

  it('blocks on a standing REQUEST_CHANGES until that reviewer approves', () => {
    const x = person('x');
    const blocked = evaluateApprovals({ author, revision: 1, clusterLabels: {} }, [], [review(x, 'REQUEST_CHANGES'), review(person('y'), 'APPROVE')]);
    expect(blocked).toMatchObject({ satisfied: false, blockedBy: [{ id: 'x' }] });
    const cleared = evaluateApprovals({ author, revision: 1, clusterLabels: {} }, [], [review(x, 'REQUEST_CHANGES'), review(x, 'COMMENT'), review(x, 'APPROVE')]);
    expect(cleared).toMatchObject({ satisfied: true, blockedBy: [] });
    const stale = evaluateApprovals({ author, revision: 2, clusterLabels: {} }, [], [review(x, 'REQUEST_CHANGES', 1), review(person('y'), 'APPROVE', 2)]);
    expect(stale).toMatchObject({ satisfied: true, blockedBy: [] });
  });
});

describe(unifiedDiff.name, () => {
  it('renders a unified diff with context, and nothing for equal texts', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'x', 'x')).toBe('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    expect(unifiedDiff('', 'a\n', 'x', 'x')).toBe('--- /dev/null\n+++ b/x\n@@ -0,0 +1,1 @@\n+a\n');
    expect(unifiedDiff('same\n', 'same\n', 'x', 'x')).toBe('');
  });
});
