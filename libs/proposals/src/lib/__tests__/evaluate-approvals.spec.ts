import type { Actor } from '@palisade/shared-types';

import { type ApprovalAnalysisFacts, type ApprovalFindingFact, type ApprovalRuleSpec, evaluateApprovals, type ReviewFact } from '../evaluate-approvals.util';
import { DIFF_MAX_EDIT_LENGTH, truncateDiff, unifiedDiff } from '../text-diff.util';

const author: Actor = { id: 'a', name: 'author', kind: 'bot' };
const person = (id: string): Actor => ({ id, name: id, kind: 'human' });
const bot = (id: string): Actor => ({ id, name: id, kind: 'bot' });
let clock = 0;
const review = (who: Actor, verdict: ReviewFact['verdict'], revision = 1, groups: string[] = [], analysisHash: string | null = 'h1'): ReviewFact => ({
  reviewer: who,
  reviewerGroups: groups,
  verdict,
  proposalRevision: revision,
  analysisHash,
  createdAt: new Date(++clock * 1000),
});
const rule = (name: string, over: Partial<ApprovalRuleSpec> = {}): ApprovalRuleSpec => ({ name, matchLabels: {}, minApprovals: 1, requiredGroups: [], when: null, allowBotApprovals: false, ...over });
const prod = rule('prod', { matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'] });
const all = rule('all');

const egressFlow = 'default/myapp[Deployment] => 1.1.1.1/32 : TCP 443';
const egress: ApprovalFindingFact = { code: 'EGRESS_TO_INTERNET_OPENED', severity: 'high', message: 'opens egress to the internet', flow: egressFlow };
const opened: ApprovalFindingFact = { code: 'FLOW_OPENED', severity: 'low', message: 'opens a flow', flow: 'default/a[Deployment] => default/b[Deployment] : TCP 80' };
const denyRemoved: ApprovalFindingFact = { code: 'DEFAULT_DENY_REMOVED', severity: 'high', message: 'namespace shop loses its default deny', flow: null };
const ready = (findings: ApprovalFindingFact[] = [], connectivityChange: boolean | null = findings.length > 0): ApprovalAnalysisFacts => ({ status: 'READY', hash: 'h1', findings, connectivityChange });
const noop = ready([], false);

const internet = rule('internet-egress', { minApprovals: 2, requiredGroups: ['security'], when: { findings: ['EGRESS_TO_INTERNET_OPENED'] } });
const severe = rule('severe', { minApprovals: 3, when: { minSeverity: 'high' } });
const medium = rule('medium', { when: { minSeverity: 'medium' } });
const unchanged = rule('unchanged', { minApprovals: 0, when: { connectivityChange: false } });
const changed = rule('changed', { minApprovals: 2, when: { connectivityChange: true } });
const botsOk = rule('bots-ok', { when: { connectivityChange: false }, allowBotApprovals: true });

type Expected = { rules: string[]; required: number; groups?: string[]; received: number; satisfied: boolean; approvedByRule?: boolean };
type Row = [reason: string, labels: Record<string, string>, analysis: ApprovalAnalysisFacts | null, rules: ApprovalRuleSpec[], reviews: ReviewFact[], expected: Expected];

const x = person('x');
const y = person('y');

describe(evaluateApprovals.name, () => {
  it.each<Row>([
    // no rule: one approval
    ['no rule, no review', {}, noop, [], [], { rules: [], required: 1, received: 0, satisfied: false }],
    ['no rule, one approval', {}, noop, [], [review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: true }],
    // the author's own approval never counts
    ["the author's approval", {}, noop, [], [review(author, 'APPROVE')], { rules: [], required: 1, received: 0, satisfied: false }],
    // a review of an older revision was dismissed
    ['an approval of revision 0', {}, noop, [], [review(x, 'APPROVE', 0)], { rules: [], required: 1, received: 0, satisfied: false }],
    // matching label rules combine: largest minimum, every group
    ['two label rules, no group', { env: 'prod' }, noop, [prod, all], [review(x, 'APPROVE'), review(y, 'APPROVE')], { rules: ['all', 'prod'], required: 2, groups: ['security'], received: 2, satisfied: false }],
    ['two label rules, with group', { env: 'prod' }, noop, [prod, all], [review(x, 'APPROVE'), review(y, 'APPROVE', 1, ['security'])], { rules: ['all', 'prod'], required: 2, groups: ['security'], received: 2, satisfied: true }],
    // a rule for other labels does not apply
    ['labels differ', { env: 'dev' }, noop, [prod], [review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: true }],
    // the same reviewer twice is one approval
    ['the same reviewer twice', { env: 'prod' }, noop, [prod], [review(x, 'APPROVE', 1, ['security']), review(x, 'APPROVE', 1, ['security'])], { rules: ['prod'], required: 2, groups: ['security'], received: 1, satisfied: false }],
    // `findings`: some finding has one of the codes
    ['findings rule, finding present', {}, ready([egress, opened]), [internet], [review(x, 'APPROVE', 1, ['security'])], { rules: ['internet-egress'], required: 2, groups: ['security'], received: 1, satisfied: false }],
    ['findings rule, two approvals', {}, ready([egress]), [internet], [review(x, 'APPROVE', 1, ['security']), review(y, 'APPROVE')], { rules: ['internet-egress'], required: 2, groups: ['security'], received: 2, satisfied: true }],
    ['findings rule, finding absent', {}, ready([opened]), [internet], [review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: true }],
    // a rule's labels and its `when` must both match
    ['findings rule for other labels', { env: 'dev' }, ready([egress]), [rule('p', { matchLabels: { env: 'prod' }, minApprovals: 2, when: { findings: ['EGRESS_TO_INTERNET_OPENED'] } })], [review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: true }],
    // `minSeverity`: some finding at or above it
    ['minSeverity high, high finding', {}, ready([denyRemoved]), [severe, medium], [], { rules: ['medium', 'severe'], required: 3, received: 0, satisfied: false }],
    ['minSeverity medium, low finding', {}, ready([opened]), [severe, medium], [review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: true }],
    ['minSeverity medium, high finding', {}, ready([egress]), [medium], [review(x, 'APPROVE')], { rules: ['medium'], required: 1, received: 1, satisfied: true }],
    // every condition given must match
    ['findings and minSeverity both met', {}, ready([egress]), [rule('both', { minApprovals: 2, when: { findings: ['EGRESS_TO_INTERNET_OPENED'], minSeverity: 'high' } })], [], { rules: ['both'], required: 2, received: 0, satisfied: false }],
    ['findings met, connectivityChange not', {}, ready([egress], true), [rule('both', { minApprovals: 2, when: { findings: ['EGRESS_TO_INTERNET_OPENED'], connectivityChange: false } })], [], { rules: [], required: 1, received: 0, satisfied: false }],
    // `connectivityChange`
    ['connectivityChange true on a change', {}, ready([opened], true), [changed, unchanged], [review(x, 'APPROVE')], { rules: ['changed'], required: 2, received: 1, satisfied: false }],
    // a 0-approval rule approves the proposal by itself
    ['connectivityChange false, 0 approvals', {}, noop, [changed, unchanged], [], { rules: ['unchanged'], required: 0, received: 0, satisfied: true, approvedByRule: true }],
    // a 0-approval rule combined with a label rule: the larger minimum wins
    ['0-approval rule beside a label rule', {}, noop, [unchanged, all], [], { rules: ['all', 'unchanged'], required: 1, received: 0, satisfied: false, approvedByRule: false }],
    // a required group keeps a 0-approval requirement from approving by itself
    ['0 approvals but a group', {}, noop, [rule('grouped', { minApprovals: 0, requiredGroups: ['net'], when: { connectivityChange: false } })], [], { rules: ['grouped'], required: 0, groups: ['net'], received: 0, satisfied: false, approvedByRule: false }],
    // an unknown connectivity change (no inventory) matches neither true nor false
    ['connectivityChange null', {}, ready([], null), [changed, unchanged], [review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: true }],
    // no rule with `when` applies before the analysis is READY, and nothing is satisfied
    ['analysis PENDING', {}, { ...noop, status: 'PENDING' }, [unchanged, all], [review(x, 'APPROVE')], { rules: ['all'], required: 1, received: 1, satisfied: false }],
    ['analysis FAILED', {}, { ...noop, status: 'FAILED' }, [unchanged], [review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: false }],
    ['no analysis', {}, null, [unchanged], [review(x, 'APPROVE', 1, [], null)], { rules: [], required: 1, received: 0, satisfied: false }],
    // an approval counts only for the analysis it was given for
    ['an approval of another analysis', {}, noop, [], [review(x, 'APPROVE', 1, [], 'h0')], { rules: [], required: 1, received: 0, satisfied: false }],
    // a bot's approval counts only when every applying rule allows it
    ['a bot approval, no rule', {}, noop, [], [review(bot('ci'), 'APPROVE')], { rules: [], required: 1, received: 0, satisfied: false }],
    ['a bot approval, rule allows', {}, noop, [botsOk], [review(bot('ci'), 'APPROVE')], { rules: ['bots-ok'], required: 1, received: 1, satisfied: true }],
    ['a bot approval, one rule does not allow', {}, noop, [botsOk, all], [review(bot('ci'), 'APPROVE')], { rules: ['all', 'bots-ok'], required: 1, received: 0, satisfied: false }],
    // REQUEST_CHANGES is bound to the revision, not to the analysis
    ['REQUEST_CHANGES of another analysis', {}, noop, [], [review(y, 'REQUEST_CHANGES', 1, [], 'h0'), review(x, 'APPROVE')], { rules: [], required: 1, received: 1, satisfied: false }],
  ])('%s', (_reason, labels, analysis, rules, reviews, expected) => {
    const sut = evaluateApprovals({ author, revision: 1, clusterLabels: labels, analysis }, rules, reviews);
    expect({
      rules: sut.rules,
      required: sut.required.approvals,
      groups: sut.required.groups,
      received: sut.received.approvals,
      satisfied: sut.satisfied,
      approvedByRule: sut.approvedByRule,
    }).toEqual({ groups: [], approvedByRule: false, ...expected });
    expect(sut.requiredApprovals).toMatchObject({ count: sut.required.approvals, groups: sut.required.groups });
    expect(sut.missing.approvals).toBe(Math.max(0, sut.required.approvals - sut.received.approvals));
    expect(sut.analysisStatus).toBe(analysis?.status ?? null);
  });

  it('blocks on a standing REQUEST_CHANGES until that reviewer approves', () => {
    const subject = { author, revision: 1, clusterLabels: {}, analysis: noop };
    const blocked = evaluateApprovals(subject, [], [review(x, 'REQUEST_CHANGES'), review(y, 'APPROVE')]);
    expect(blocked).toMatchObject({ satisfied: false, blockedBy: [{ id: 'x' }] });
    const cleared = evaluateApprovals(subject, [], [review(x, 'REQUEST_CHANGES'), review(x, 'COMMENT'), review(x, 'APPROVE')]);
    expect(cleared).toMatchObject({ satisfied: true, blockedBy: [] });
    const stale = evaluateApprovals({ ...subject, revision: 2 }, [], [review(x, 'REQUEST_CHANGES', 1), review(y, 'APPROVE', 2)]);
    expect(stale).toMatchObject({ satisfied: true, blockedBy: [] });
  });

  it.each<[reason: string, analysis: ApprovalAnalysisFacts, rules: ApprovalRuleSpec[], labels: Record<string, string>, reasons: { rule: string; finding: string | null; flow: string | null; message: string }[]]>([
    // one reason per matching finding for a `findings` rule
    [
      'findings',
      ready([egress, opened, { ...egress, flow: 'default/myapp[Deployment] => 8.8.8.8/32 : UDP 53' }]),
      [internet],
      {},
      [
        { rule: 'internet-egress', finding: 'EGRESS_TO_INTERNET_OPENED', flow: egressFlow, message: `rule \`internet-egress\`: EGRESS_TO_INTERNET_OPENED ${egressFlow}` },
        { rule: 'internet-egress', finding: 'EGRESS_TO_INTERNET_OPENED', flow: 'default/myapp[Deployment] => 8.8.8.8/32 : UDP 53', message: 'rule `internet-egress`: EGRESS_TO_INTERNET_OPENED default/myapp[Deployment] => 8.8.8.8/32 : UDP 53' },
      ],
    ],
    // a `minSeverity` rule names each finding at or above it; a finding without a flow by its message
    [
      'minSeverity',
      ready([denyRemoved, opened]),
      [severe],
      {},
      [{ rule: 'severe', finding: 'DEFAULT_DENY_REMOVED', flow: null, message: 'rule `severe`: DEFAULT_DENY_REMOVED namespace shop loses its default deny' }],
    ],
    // findings and minSeverity met by different findings: each finding that meets one
    [
      'findings and minSeverity met apart',
      ready([opened, denyRemoved]),
      [rule('split', { when: { findings: ['FLOW_OPENED'], minSeverity: 'high' } })],
      {},
      [
        { rule: 'split', finding: 'FLOW_OPENED', flow: opened.flow, message: `rule \`split\`: FLOW_OPENED ${opened.flow}` },
        { rule: 'split', finding: 'DEFAULT_DENY_REMOVED', flow: null, message: 'rule `split`: DEFAULT_DENY_REMOVED namespace shop loses its default deny' },
      ],
    ],
    // one reason per label rule and per connectivity rule, sorted by rule name
    [
      'labels and connectivity',
      noop,
      [prod, unchanged, all],
      { env: 'prod', tier: 'core' },
      [
        { rule: 'all', finding: null, flow: null, message: 'rule `all`: every cluster' },
        { rule: 'prod', finding: null, flow: null, message: 'rule `prod`: cluster labels env=prod' },
        { rule: 'unchanged', finding: null, flow: null, message: 'rule `unchanged`: every cluster; the change opens and closes no flow' },
      ],
    ],
    // without any rule, the default
    ['default', ready([egress]), [prod], {}, [{ rule: 'default', finding: null, flow: null, message: 'default: one approval when no rule applies' }]],
  ])('gives the reasons for the requirement: %s', (_reason, analysis, rules, labels, reasons) => {
    const sut = evaluateApprovals({ author, revision: 1, clusterLabels: labels, analysis }, rules, []);
    expect(sut.requiredApprovals.reasons).toEqual(reasons);
  });

  it('says which approvals of the current revision do not count, and why', () => {
    const reviews = [
      review(bot('ci'), 'APPROVE'),
      review(x, 'APPROVE', 1, [], 'h0'),
      review(y, 'APPROVE'),
      review(person('z'), 'APPROVE', 0, [], 'h0'), // an earlier revision: dismissed by the change, not listed
      review(author, 'APPROVE'), // the author's own: never a review that counts
      review(bot('old'), 'APPROVE', 1, [], 'h0'), // another analysis first, then a bot
    ];
    const sut = evaluateApprovals({ author, revision: 1, clusterLabels: {}, analysis: noop }, [], reviews);
    expect(sut.received.approvers).toEqual([{ id: 'y', name: 'y' }]);
    expect(sut.ignoredApprovals).toEqual([
      { reviewer: { id: 'ci', name: 'ci' }, reason: 'BOT_APPROVAL' },
      { reviewer: { id: 'x', name: 'x' }, reason: 'ANALYSIS_CHANGED' },
      { reviewer: { id: 'old', name: 'old' }, reason: 'ANALYSIS_CHANGED' },
    ]);
  });
});

describe(unifiedDiff.name, () => {
  it('renders a unified diff with context, and nothing for equal texts', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'x', 'x')).toBe('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    expect(unifiedDiff('', 'a\n', 'x', 'x')).toBe('--- /dev/null\n+++ b/x\n@@ -0,0 +1,1 @@\n+a\n');
    expect(unifiedDiff('same\n', 'same\n', 'x', 'x')).toBe('');
  });
});

describe('unifiedDiff on large texts', () => {
  const numbered = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`).join('\n') + '\n';

  it('shows a one-line change in an 8,000-line text as one hunk of seven lines', () => {
    const before = numbered(8_000, 'line');
    const after = before.replace('line 4000\n', 'line changed\n');
    expect(unifiedDiff(before, after, 'x', 'x')).toBe(
      ['--- a/x', '+++ b/x', '@@ -3998,7 +3998,7 @@', ' line 3997', ' line 3998', ' line 3999', '-line 4000', '+line changed', ' line 4001', ' line 4002', ' line 4003', ''].join('\n'),
    );
  });

  it(`replaces every line in one hunk when the texts differ by more than ${DIFF_MAX_EDIT_LENGTH} edits`, () => {
    const before = numbered(3_000, 'old');
    const after = numbered(3_000, 'new');
    const diff = unifiedDiff(before, after, 'x', 'x').split('\n');
    expect(diff.slice(0, 3)).toEqual(['--- a/x', '+++ b/x', '@@ -1,3000 +1,3000 @@']);
    expect(diff.filter((l) => l.startsWith('-old')).length).toBe(3_000);
    expect(diff.filter((l) => l.startsWith('+new')).length).toBe(3_000);
  });

  it('deletes a whole text against /dev/null', () => {
    expect(unifiedDiff('a\nb\n', '', 'x', 'x')).toBe('--- a/x\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n');
  });
});

describe(truncateDiff.name, () => {
  it('keeps a diff within the bound as it is', () => {
    expect(truncateDiff('-a\n+b\n', 6)).toEqual({ text: '-a\n+b\n', truncated: false });
  });

  it('cuts at the last whole line within the bound, counting UTF-8 bytes', () => {
    // "é" is two bytes: the second line does not fit in 8 bytes.
    expect(truncateDiff('-aé\n+bé\n', 8)).toEqual({ text: '-aé\n', truncated: true });
    expect(truncateDiff('-abcdef\n', 3)).toEqual({ text: '', truncated: true });
  });
});
