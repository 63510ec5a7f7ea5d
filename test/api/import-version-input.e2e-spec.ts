import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

const policy = (name: string): Record<string, unknown> => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
});
const YAML = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n';

type Problem = { code: string; errors?: { path: string; message: string }[] };

/** POST /clusters/{name}/versions/import takes ImportVersionInput, the class behind GraphQL importVersion. */
describe('version import input (POST /clusters/{name}/versions/import, importVersion)', () => {
  let t: TestApp;
  let sql: Client;
  const versions = async (): Promise<number> => (await sql.query('SELECT count(*)::int AS n FROM policy_set_versions')).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it.each([
    ['an unknown field', { policies: [policy('a')], colour: 'red' }, 'colour', 'property colour should not exist'],
    ['policies that are no array', { policies: { a: 1 } }, 'policies', 'policies must be an array'],
    ['yaml that is no string', { yaml: 42 }, 'yaml', 'yaml must be a string'],
    ['policies and yaml at once', { policies: [policy('a')], yaml: YAML }, 'input', 'give exactly one of policies or yaml'],
    ['neither', {}, 'input', 'give exactly one of policies or yaml'],
  ])('refuses %s with 400 naming the field, storing nothing', async (_, body, path, message) => {
    await t.http.post('/api/v1/clusters').send({ name: 'refused' }).expect((r) => expect([201, 409]).toContain(r.status));
    const response = await t.http.post('/api/v1/clusters/refused/versions/import').send(body).expect(400);
    expect((response.body as Problem).code).toBe('VALIDATION_FAILED');
    expect((response.body as Problem).errors).toContainEqual({ path, message });
    expect(await versions()).toBe(0);
  });

  it('refuses a body that is neither JSON nor YAML with 415', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'plain' }).expect(201);
    const response = await t.http.post('/api/v1/clusters/plain/versions/import').set('Content-Type', 'text/plain').send('policies').expect(415);
    expect((response.body as Problem).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('imports {policies} and {yaml} in JSON, and YAML documents, as GraphQL does with the same class', async () => {
    for (const [name, send] of [
      ['json-policies', { policies: [policy('deny-all')] }],
      ['json-yaml', { yaml: YAML }],
    ] as const) {
      await t.http.post('/api/v1/clusters').send({ name }).expect(201);
      const response = await t.http.post(`/api/v1/clusters/${name}/versions/import`).send(send).expect(201);
      expect(response.body).toMatchObject({ number: 1, policyCount: 1 });
    }
    await t.http.post('/api/v1/clusters').send({ name: 'yaml-body' }).expect(201);
    const yaml = await t.http.post('/api/v1/clusters/yaml-body/versions/import').set('Content-Type', 'application/yaml').send(YAML).expect(201);
    expect(yaml.body).toMatchObject({ number: 1, policyCount: 1 });
    const gql = await t.gql<{ importVersion: { number: number } }>('mutation($input: ImportVersionInput!) { importVersion(cluster: "json-policies", input: $input) { number } }', { input: { yaml: YAML } });
    expect(gql.errors?.[0]?.extensions?.code).toBe('CLUSTER_ALREADY_HAS_VERSIONS');
  });
});
