import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type GqlResult, type TestApp } from '../support/test-app';

const policy = (name: string, port = 8080): Record<string, unknown> => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port }] }] },
});

const yamlOf = (name: string, port: number): string =>
  [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    `metadata: {name: ${name}, namespace: shop}`,
    'spec:',
    '  podSelector: {matchLabels: {app: api}}',
    `  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: ${port}}]}]`,
    '',
  ].join('\n');

type Problem = { status: number; code: string; detail: string; errors?: { path: string; message: string }[] };

/** Proposal bodies go through CreateProposalInput / UpdateProposalInput, JSON or YAML, REST or GraphQL. */
describe('proposal input classes (POST /clusters/{name}/proposals, PATCH /proposals/{id}, createProposal)', () => {
  let t: TestApp;
  let sql: Client;
  const proposals = async (): Promise<number> => (await sql.query('SELECT count(*)::int AS n FROM proposals')).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'shop' }).expect(201);
    await t.http.post('/api/v1/clusters/shop/versions/import').send({ policies: [policy('allow-web')] }).expect(201);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it.each([
    // Fields outside the input class are refused by the ValidationPipe's whitelist, not a hand-kept list.
    ['an unknown JSON field', '', { title: 't', baseVersion: 1, changes: { upsert: [policy('a', 81)] }, colour: 'red' }, 'colour', 'property colour should not exist'],
    // Typed by the class: a title must be a string, baseVersion an integer.
    ['a numeric title', '', { title: 42, baseVersion: 1, changes: { upsert: [policy('a', 82)] } }, 'title', 'title must be a string'],
    ['a fractional baseVersion', '', { title: 't', baseVersion: 1.5, changes: { upsert: [policy('a', 83)] } }, 'baseVersion', 'baseVersion must be an integer number'],
    ['policies that are no array', '?mode=replace', { title: 't', policies: { a: 1 } }, 'policies', 'policies must be an array'],
    ['a source without kind', '', { title: 't', baseVersion: 1, changes: { upsert: [policy('a', 84)] }, source: { url: 'https://x' } }, 'source.kind', 'kind must be a string'],
    // The exactly-one-of rule.
    ['changes and policies at once', '', { title: 't', baseVersion: 1, changes: { upsert: [] }, policies: [] }, 'policies', 'give only one of changes, policies or yaml'],
    ['changes with mode=replace', '?mode=replace', { title: 't', baseVersion: 1, changes: { upsert: [policy('a', 85)] } }, 'changes', 'mode=replace takes the complete desired set (policies or YAML), not changes'],
    // Query parameters are declared by ProposalQuery: an unknown one, or a YAML-only one with JSON, is refused.
    ['an unknown query parameter', '?colour=red', { title: 't', baseVersion: 1, changes: { upsert: [policy('a', 86)] } }, 'colour', 'property colour should not exist'],
    ['a mode that does not exist', '?mode=merge', { title: 't', baseVersion: 1, changes: { upsert: [policy('a', 87)] } }, 'mode', 'mode must be replace or changes'],
    ['a YAML-only query parameter with a JSON body', '?title=elsewhere', { title: 't', baseVersion: 1, changes: { upsert: [policy('a', 88)] } }, 'title', 'a query parameter for a YAML body; give it in the JSON body'],
  ])('refuses %s with 400 naming the field, storing nothing', async (_, query, body, path, message) => {
    const before = await proposals();
    const response = await t.http.post(`/api/v1/clusters/shop/proposals${query}`).send(body).expect(400);
    const problem = response.body as Problem;
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({ path, message });
    expect(await proposals()).toBe(before);
  });

  it('takes a YAML desired set with its other fields from the declared query parameters', async () => {
    const response = await t.http
      .post('/api/v1/clusters/shop/proposals?mode=replace&title=From%20YAML&description=Opens%209090&baseVersion=1&sourceKind=github&sourceUrl=https://git.example.com/pull/7&sourceCommit=abc')
      .set('Content-Type', 'application/yaml')
      .send(yamlOf('allow-web', 9090))
      .expect(201);
    expect(response.body).toMatchObject({
      title: 'From YAML',
      description: 'Opens 9090',
      baseVersion: 1,
      source: { kind: 'github', url: 'https://git.example.com/pull/7', commit: 'abc' },
    });
  });

  it('refuses a YAML body whose baseVersion query parameter is no version number, and mode=changes with YAML', async () => {
    const before = await proposals();
    const bad = await t.http.post('/api/v1/clusters/shop/proposals?mode=replace&title=t&baseVersion=one').set('Content-Type', 'application/yaml').send(yamlOf('allow-web', 9091)).expect(400);
    expect((bad.body as Problem).errors).toContainEqual({ path: 'baseVersion', message: 'baseVersion must be a version number' });
    const changes = await t.http.post('/api/v1/clusters/shop/proposals?mode=changes&title=t').set('Content-Type', 'application/yaml').send(yamlOf('allow-web', 9092)).expect(400);
    expect((changes.body as Problem).errors).toContainEqual({ path: 'mode', message: 'a YAML body is the complete desired set: use mode=replace' });
    expect(await proposals()).toBe(before);
  });

  it('takes {yaml} in a JSON body, as GraphQL does with the same class, and refuses source on PATCH', async () => {
    const created = await t.http.post('/api/v1/clusters/shop/proposals').send({ title: 'JSON with YAML', yaml: yamlOf('allow-web', 9093) }).expect(201);
    const id = (created.body as { id: string }).id;
    const patched = await t.http.patch(`/api/v1/proposals/${id}`).send({ title: 'Renamed' }).expect(200);
    expect(patched.body).toMatchObject({ title: 'Renamed' });
    const refused = await t.http.patch(`/api/v1/proposals/${id}`).send({ source: { kind: 'github' } }).expect(400);
    expect((refused.body as Problem).errors).toContainEqual({ path: 'source', message: 'property source should not exist' });
  });

  it('validates GraphQL createProposal by the same class: one of changes, policies or yaml', async () => {
    const before = await proposals();
    const result: GqlResult = await t.gql('mutation($input: CreateProposalInput!) { createProposal(cluster: "shop", input: $input) { id } }', {
      input: { title: 't', baseVersion: 1, policies: [policy('allow-web', 9094)], yaml: yamlOf('allow-web', 9094) },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toContain('give only one of changes, policies or yaml');
    expect(await proposals()).toBe(before);
  });
});
