import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

const policyYaml = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: deny, namespace: shop}', 'spec:', '  podSelector: {}', '  policyTypes: [Ingress]', ''].join('\n');

// One flow mapping repeating a key 300,000 times (1.8 MB): the fast YAML path refuses the
// duplicates, and the complete reader then reports each with its line, for seconds (about 9 s on
// the 2-core CI machine, so well past the 3 s limit below even on a machine three times faster).
const slowYaml = `{${Array.from({ length: 300_000 }, () => 'a: 1').join(', ')}}\n`;

describe('reading a policy set has a time limit (POLICY_SET_PARSE_TIMEOUT_MS)', () => {
  let t: TestApp;
  let sql: Client;
  const versions = async (): Promise<number> => (await sql.query('SELECT count(*)::int AS n FROM policy_set_versions')).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp({ POLICY_SET_PARSE_TIMEOUT_MS: '3000' });
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'shop' }).expect(201);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('refuses a policy set that takes longer to read with 422 POLICY_SET_TOO_SLOW_TO_READ, stores nothing, and reads the next one on a new thread', async () => {
    const refused = await t.http.post('/api/v1/clusters/shop/versions/import').set('Content-Type', 'application/yaml').send(slowYaml).expect(422);
    expect(refused.body).toMatchObject({ status: 422, code: 'POLICY_SET_TOO_SLOW_TO_READ' });
    expect(refused.body.detail).toBe('the policy set was not read within 3000 ms (POLICY_SET_PARSE_TIMEOUT_MS); nothing was stored');
    expect(await versions()).toBe(0);

    const imported = await t.http.post('/api/v1/clusters/shop/versions/import').set('Content-Type', 'application/yaml').send(policyYaml).expect(201);
    expect(imported.body).toMatchObject({ number: 1, policyCount: 1 });

    const proposal = await t.http.post('/api/v1/clusters/shop/proposals?mode=replace&title=slow').set('Content-Type', 'application/yaml').send(slowYaml).expect(422);
    expect(proposal.body.code).toBe('POLICY_SET_TOO_SLOW_TO_READ');
    expect((await sql.query('SELECT count(*)::int AS n FROM proposals')).rows[0].n).toBe(0);
    expect(await versions()).toBe(1);
  });

  it('answers the same refusal through GraphQL', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'shop-gql' }).expect(201);
    const result = await t.gql('mutation ($input: ImportVersionInput!) { importVersion(cluster: "shop-gql", input: $input) { number } }', { input: { yaml: slowYaml } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'POLICY_SET_TOO_SLOW_TO_READ', status: 422 });
  });

  it('through GraphQL too, refuses a caller without the role or the cluster before reading its policy set (no turn taken)', async () => {
    const reporter = await t.mintToken({ name: 'gql-reporter', roles: ['reporter'] });
    const elsewhere = await t.mintToken({ name: 'gql-elsewhere', roles: ['proposer'], clusters: ['other'] });
    const imported = await t.gql('mutation ($input: ImportVersionInput!) { importVersion(cluster: "shop-gql", input: $input) { number } }', { input: { yaml: slowYaml } }, reporter.token);
    expect(imported.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const proposed = await t.gql('mutation ($input: CreateProposalInput!) { createProposal(cluster: "shop", input: $input) { id } }', { input: { title: 'x', yaml: slowYaml } }, elsewhere.token);
    expect(proposed.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(proposed.errors?.[0]?.message).toBe('cluster "shop" is outside your scope');
    const updated = await t.gql('mutation ($input: UpdateProposalInput!) { updateProposal(id: "00000000-0000-4000-8000-000000000000", input: $input) { id } }', { input: { yaml: slowYaml } }, reporter.token);
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('reads policy sets one at a time with principals taking turns: one sending many holds another back by one turn at most', async () => {
    for (const name of ['turns-a', 'turns-b']) await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    const flooder = await t.mintToken({ name: 'flooder', roles: ['admin'] });
    const other = await t.mintToken({ name: 'other-admin', roles: ['admin'] });
    const finished: string[] = [];
    const send = (token: string, cluster: string, body: string, label: string) =>
      t
        .as(token)
        .post(`/api/v1/clusters/${cluster}/versions/import`)
        .set('Content-Type', 'application/yaml')
        .send(body)
        .then((response) => {
          finished.push(label);
          return response;
        });
    // Three slow bodies (each stopped after 3 s) queued by one principal, then one policy set from another.
    const slow = [1, 2, 3].map((i) => send(flooder.token, 'turns-a', slowYaml, `slow-${i}`));
    await new Promise((resolve) => setTimeout(resolve, 700));
    const quick = send(other.token, 'turns-b', policyYaml, 'other');
    const [quickAnswer, ...slowAnswers] = await Promise.all([quick, ...slow]);
    expect(quickAnswer.status).toBe(201);
    expect(slowAnswers.map((r) => r.body.code)).toEqual(['POLICY_SET_TOO_SLOW_TO_READ', 'POLICY_SET_TOO_SLOW_TO_READ', 'POLICY_SET_TOO_SLOW_TO_READ']);
    // First come, first served would answer the other principal last, after all three; with turns, before the third.
    expect(finished).toHaveLength(4);
    expect(finished.indexOf('other')).toBeLessThan(3);
  });

  it('lets one principal have 4 policy sets waiting or being read; a fifth answers 429 POLICY_SETS_WAITING at once', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'queue-cap' }).expect(201);
    const flooder = await t.mintToken({ name: 'queue-flooder', roles: ['admin'] });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.as(flooder.token).post('/api/v1/clusters/queue-cap/versions/import').set('Content-Type', 'application/yaml').send(slowYaml)),
    );
    const codes = answers.map((r) => `${r.status} ${r.body.code}`).sort();
    expect(codes).toEqual(['422 POLICY_SET_TOO_SLOW_TO_READ', '422 POLICY_SET_TOO_SLOW_TO_READ', '422 POLICY_SET_TOO_SLOW_TO_READ', '422 POLICY_SET_TOO_SLOW_TO_READ', '429 POLICY_SETS_WAITING']);
    const refused = answers.find((r) => r.status === 429);
    expect(refused?.body.detail).toBe('4 policy sets of this principal are already waiting to be read (at most 4); send this one when they are answered');
    // Answered: the principal may send again.
    await t.as(flooder.token).post('/api/v1/clusters/queue-cap/versions/import').set('Content-Type', 'application/yaml').send(policyYaml).expect(201);
  });
});

describe('shutting down with policy sets waiting to be read', () => {
  it('answers those still waiting 503 at once and lets the one being read finish', async () => {
    const t = await createTestApp({ POLICY_SET_PARSE_TIMEOUT_MS: '3000' });
    await t.http.post('/api/v1/clusters').send({ name: 'closing' }).expect(201);
    const send = () => t.http.post('/api/v1/clusters/closing/versions/import').set('Content-Type', 'application/yaml').send(slowYaml);
    const answers = Promise.all([send(), send()]);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // one is being read, the other waits
    const closed = t.close();
    const codes = (await answers).map((r) => `${r.status} ${r.body.code}`).sort();
    await closed;
    // Without the early refusal, shutdown would read the waiting one to its end (422 after 3 s more).
    expect(codes).toEqual(['422 POLICY_SET_TOO_SLOW_TO_READ', '503 SERVICE_UNAVAILABLE']);
  });
});

