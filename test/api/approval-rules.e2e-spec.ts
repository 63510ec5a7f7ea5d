import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

type RuleBody = Record<string, unknown>;
type GqlRule = { name: string; minApprovals: number; when: { findings: string[] | null; minSeverity: string | null; connectivityChange: boolean | null } | null; allowBotApprovals: boolean };

const GQL_RULE_FIELDS = 'name minApprovals requiredGroups when { findings minSeverity connectivityChange } allowBotApprovals';

describe('approval rules: risk conditions (when), bot approvals, 0-approval rules (REST and GraphQL)', () => {
  let t: TestApp;
  let sql: Client;

  const storedRules = async (): Promise<{ name: string; when: unknown; allow_bot_approvals: boolean; min_approvals: number }[]> =>
    (await sql.query('SELECT name, "when", allow_bot_approvals, min_approvals FROM approval_rules ORDER BY name')).rows;
  const put = (name: string, body: RuleBody) => t.http.put(`/api/v1/approval-rules/${name}`).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('stores `when` and allowBotApprovals, returns them from PUT, GET and the list, and audits them', async () => {
    const body = { matchLabels: { env: 'prod' }, minApprovals: 2, requiredGroups: ['security'], when: { findings: ['EGRESS_TO_INTERNET_OPENED', 'DEFAULT_DENY_REMOVED'], minSeverity: 'high' } };
    const created = await put('internet-egress', body).expect(200);
    const expected = { name: 'internet-egress', ...body, allowBotApprovals: false };
    expect(created.body).toMatchObject(expected);
    expect((await t.http.get('/api/v1/approval-rules/internet-egress').expect(200)).body).toMatchObject(expected);

    // absent conditions are left out, not stored as null; a `when` with only connectivityChange: false may require 0 approvals
    const noop = await put('no-op', { minApprovals: 0, when: { connectivityChange: false, findings: null }, allowBotApprovals: true }).expect(200);
    expect(noop.body).toMatchObject({ name: 'no-op', matchLabels: {}, minApprovals: 0, requiredGroups: [], when: { connectivityChange: false }, allowBotApprovals: true });
    const plain = await put('plain', { minApprovals: 1 }).expect(200);
    expect(plain.body).toMatchObject({ when: null, allowBotApprovals: false });

    const list = await t.http.get('/api/v1/approval-rules').expect(200);
    expect(list.body.items.map((r: RuleBody) => [r.name, r.when, r.allowBotApprovals])).toEqual([
      ['internet-egress', body.when, false],
      ['no-op', { connectivityChange: false }, true],
      ['plain', null, false],
    ]);
    expect(await storedRules()).toEqual([
      { name: 'internet-egress', when: body.when, allow_bot_approvals: false, min_approvals: 2 },
      { name: 'no-op', when: { connectivityChange: false }, allow_bot_approvals: true, min_approvals: 0 },
      { name: 'plain', when: null, allow_bot_approvals: false, min_approvals: 1 },
    ]);

    // a PUT replaces the rule: leaving `when` out removes it
    await put('internet-egress', { ...body, when: { findings: ['EGRESS_TO_INTERNET_OPENED'] }, allowBotApprovals: true }).expect(200);
    const replaced = await put('internet-egress', { matchLabels: { env: 'prod' }, minApprovals: 2 }).expect(200);
    expect(replaced.body).toMatchObject({ when: null, allowBotApprovals: false });

    const audit = await t.http.get('/api/v1/audit?action=approval_rule.created').expect(200);
    const createdEvent = audit.body.items.find((e: { subject: { id: string } }) => e.subject.id === 'no-op');
    expect(createdEvent.after).toMatchObject({ minApprovals: 0, when: { connectivityChange: false }, allowBotApprovals: true });
    const updates = await t.http.get('/api/v1/audit?action=approval_rule.updated').expect(200);
    expect(updates.body.items.map((e: { before: RuleBody; after: RuleBody }) => [e.before.when, e.before.allowBotApprovals, e.after.when, e.after.allowBotApprovals])).toEqual([
      // newest first
      [{ findings: ['EGRESS_TO_INTERNET_OPENED'] }, true, null, false],
      [body.when, false, { findings: ['EGRESS_TO_INTERNET_OPENED'] }, true],
    ]);
  });

  it.each<[reason: string, body: RuleBody, path: string, message: string]>([
    // an unknown finding code is named
    ['an unknown finding code', { when: { findings: ['EGRESS_TO_INTERNET_OPENED', 'EGRESS_TO_MARS'] } }, 'when', 'when.findings: unknown finding code "EGRESS_TO_MARS"'],
    ['an empty findings list', { when: { findings: [] } }, 'when', 'when.findings must be a non-empty array of finding codes'],
    ['a severity outside info..high', { when: { minSeverity: 'critical' } }, 'when', 'when.minSeverity must be one of info, low, medium, high'],
    ['a `when` without a condition', { when: {} }, 'when', 'when must give at least one condition'],
    ['a `when` of nulls only', { when: { findings: null, minSeverity: null } }, 'when', 'when must give at least one condition'],
    ['an unknown condition', { when: { connectivityChange: true, namespace: 'default' } }, 'when', 'when.namespace is not a condition'],
    ['a connectivityChange that is not a boolean', { when: { connectivityChange: 'no' } }, 'when', 'when.connectivityChange must be true or false'],
    // 0 approvals waive review: only for changes that open and close no flow
    ['0 approvals without `when`', { minApprovals: 0 }, 'minApprovals', 'minApprovals may be 0 only on a rule with when.connectivityChange: false'],
    ['0 approvals for a connectivity change', { minApprovals: 0, when: { connectivityChange: true } }, 'minApprovals', 'a rule that waives review for other, possibly risky, changes is refused'],
    ['0 approvals for a finding', { minApprovals: 0, when: { findings: ['FLOW_CLOSED'] } }, 'minApprovals', 'minApprovals may be 0 only on a rule with when.connectivityChange: false'],
    // the existing bounds stay
    ['a negative minimum', { minApprovals: -1, when: { connectivityChange: false } }, 'minApprovals', 'minApprovals must be an integer between 0 and 20'],
    ['a minimum above 20', { minApprovals: 21 }, 'minApprovals', 'minApprovals must be an integer between 0 and 20'],
    ['allowBotApprovals not a boolean', { allowBotApprovals: 'yes' }, 'allowBotApprovals', 'must be a boolean'],
  ])('refuses %s with 400 and stores nothing', async (_reason, body, path, message) => {
    const before = await storedRules();
    const response = await put('refused', body).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toEqual(expect.arrayContaining([{ path, message: expect.stringContaining(message) }]));
    expect(await storedRules()).toEqual(before);
  });

  it('takes and gives `when` and allowBotApprovals through GraphQL, with the same checks', async () => {
    const created = await t.gql<{ putApprovalRule: GqlRule }>(
      `mutation($input: PutApprovalRuleInput!) { putApprovalRule(name: "gql-severe", input: $input) { ${GQL_RULE_FIELDS} } }`,
      { input: { minApprovals: 3, when: { minSeverity: 'medium', connectivityChange: true }, allowBotApprovals: true } },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.putApprovalRule).toEqual({
      name: 'gql-severe',
      minApprovals: 3,
      requiredGroups: [],
      when: { findings: null, minSeverity: 'medium', connectivityChange: true },
      allowBotApprovals: true,
    });

    const read = await t.gql<{ approvalRule: GqlRule; approvalRules: GqlRule[] }>(`{ approvalRule(name: "gql-severe") { ${GQL_RULE_FIELDS} } approvalRules { name when { findings } allowBotApprovals } }`);
    expect(read.data?.approvalRule).toEqual(created.data?.putApprovalRule);
    expect(read.data?.approvalRules.find((r) => r.name === 'internet-egress')).toEqual({ name: 'internet-egress', when: null, allowBotApprovals: false });

    const unknownCode = await t.gql(`mutation { putApprovalRule(name: "gql-bad", input: { when: { findings: ["NOPE"] } }) { name } }`);
    expect(unknownCode.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(unknownCode.errors?.[0]?.message).toContain('unknown finding code "NOPE"');
    const zero = await t.gql(`mutation { putApprovalRule(name: "gql-bad", input: { minApprovals: 0, when: { minSeverity: "low" } }) { name } }`);
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'minApprovals', message: expect.stringContaining('when.connectivityChange: false') }] });
    expect((await storedRules()).map((r) => r.name)).not.toContain('gql-bad');
  });
});
