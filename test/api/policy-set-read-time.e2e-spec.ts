import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

const policyYaml = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: deny, namespace: shop}', 'spec:', '  podSelector: {}', '  policyTypes: [Ingress]', ''].join('\n');

// One flow mapping repeating a key 200,000 times (1.2 MB): the fast YAML path refuses the
// duplicates, and the complete reader then reports each with its line, for seconds.
const slowYaml = `{${Array.from({ length: 200_000 }, () => 'a: 1').join(', ')}}\n`;

describe('reading a policy set has a time limit (POLICY_SET_PARSE_TIMEOUT_MS)', () => {
  let t: TestApp;
  let sql: Client;
  const versions = async (): Promise<number> => (await sql.query('SELECT count(*)::int AS n FROM policy_set_versions')).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp({ POLICY_SET_PARSE_TIMEOUT_MS: '1500' });
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
    expect(refused.body.detail).toBe('the policy set was not read within 1500 ms (POLICY_SET_PARSE_TIMEOUT_MS, counted from when it was queued); nothing was stored');
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
});
