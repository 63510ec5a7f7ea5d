import type { Response } from 'supertest';

import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

interface Refusal {
  data?: unknown;
  errors: { message: string; extensions: { code: string } }[];
}

function aliases(count: number, selection: (i: number) => string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection(i)}`).join(' ')} }`;
}

/** A refusal with `code`, answered before any field ran (no `data` at all). */
function expectRefused(response: Response, code: string): void {
  expect(response.status).toBe(400);
  const body = response.body as Refusal;
  expect(body.errors.map((e) => e.extensions.code)).toEqual([code]);
  expect(body).not.toHaveProperty('data');
}

describe('GraphQL query budget and explorer (defaults)', () => {
  let t: TestApp;
  let post: (query: string, token?: string, variables?: Record<string, unknown>) => ReturnType<ReturnType<TestApp['as']>['post']>;
  let proposalId: string;

  beforeAll(async () => {
    t = await createTestApp();
    post = (query, token = TEST_ADMIN_TOKEN, variables) => t.as(token).post('/graphql').send({ query, variables });
    await t.http.post('/api/v1/clusters').send({ name: 'alpha' }).expect(201);
    await t.http.post('/api/v1/clusters/alpha/versions/import').send({ policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }] }).expect(201);
    const proposal = await t.http
      .post('/api/v1/clusters/alpha/proposals')
      .send({
        title: 'deny all in default',
        policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }],
      })
      .expect(201);
    proposalId = (proposal.body as { id: string }).id;
  });
  afterAll(() => t.close());

  it('refuses 200 aliases of verifyAudit from a scoped auditor with TOO_MANY_ALIASES', async () => {
    const auditor = await t.mintToken({ name: 'scoped-auditor', roles: ['auditor'], clusters: ['alpha'] });
    const response = await post(aliases(200, () => 'verifyAudit { ok }'), auditor.token);
    expectRefused(response, 'TOO_MANY_ALIASES');
    expect((response.body as Refusal).errors[0].message).toBe('Aliases limit of 20 exceeded, found 200.');
  });

  it('refuses 20,000 aliases of me with TOO_MANY_ALIASES', async () => {
    const response = await post(aliases(20_000, () => 'me { roles }'));
    expectRefused(response, 'TOO_MANY_ALIASES');
    // Found by scanning tokens up to the token limit, before the 400 kB document is parsed.
    expect((response.body as Refusal).errors[0].message).toMatch(/^Aliases limit of 20 exceeded, found at least \d+\.$/);
  });

  it('refuses a document of more than 10,000 tokens with QUERY_TOO_COMPLEX before parsing it, aliases or not', async () => {
    const response = await post(`{ me { ${'roles '.repeat(10_001)}} }`);
    expectRefused(response, 'QUERY_TOO_COMPLEX');
    expect((response.body as Refusal).errors[0].message).toBe('query has more than 10000 tokens');
  });

  it('refuses 10 aliases of proposal(id){diff{diff}} with QUERY_TOO_COMPLEX, and answers 4', async () => {
    const refused = await post(aliases(10, () => `proposal(id: "${proposalId}") { diff { diff } }`));
    expectRefused(refused, 'QUERY_TOO_COMPLEX');
    expect((refused.body as Refusal).errors[0].message).toBe('query cost 10010 exceeds the budget of 5000');
    const answered = await post(aliases(4, () => `proposal(id: "${proposalId}") { diff { name change } }`)).expect(200);
    expect((answered.body as { data: Record<string, { diff: unknown[] }> }).data['a3'].diff).toEqual([
      { name: 'deny', change: 'ADDED' },
      { name: 'web', change: 'DELETED' },
    ]);
  });

  it('refuses a query nested 10,000 levels with QUERY_TOO_DEEP instead of overflowing the stack', async () => {
    expectRefused(await post(`{ ${'me { '.repeat(10_000)}roles${' }'.repeat(10_000)} }`), 'QUERY_TOO_DEEP');
  });

  it('refuses fields nested deeper than 12 levels (the leaf counts) with QUERY_TOO_DEEP, fragments included', async () => {
    const nested = (levels: number): string => `{ ${'cluster(name: "alpha") { '.repeat(levels)}name${' }'.repeat(levels)} }`;
    const response = await post(nested(12));
    expectRefused(response, 'QUERY_TOO_DEEP');
    expect((response.body as Refusal).errors[0].message).toBe('Query depth limit of 12 exceeded, found 13.');
    // Twelve levels through the graph's relations are answered.
    const twelve = await post(
      '{ cluster(name: "alpha") { proposals(first: 1) { items { cluster { proposals(first: 1) { items { cluster { versions(first: 1) { items { sourceProposal { cluster { name } } } } } } } } } } } }',
    ).expect(200);
    const inner = (twelve.body as { data: { cluster: { proposals: { items: { cluster: { proposals: { items: { cluster: { versions: { items: unknown[] } } }[] } } }[] } } } }).data.cluster.proposals.items[0].cluster.proposals.items[0].cluster;
    // alpha's only version was imported: no source proposal.
    expect(inner.versions.items).toEqual([{ sourceProposal: null }]);
    const viaFragments = await post(`query { ...A } fragment A on Query { me { actor { ...B } } } fragment B on Actor { x { y { z { a { b { c { d { e { f { g { h { i } } } } } } } } } } } }`);
    expectRefused(viaFragments, 'QUERY_TOO_DEEP');
  });

  it('answers 20 aliases and a query within the budget', async () => {
    const response = await post(aliases(20, () => 'me { roles }')).expect(200);
    expect((response.body as { data: Record<string, { roles: string[] }> }).data['a19']).toEqual({ roles: ['admin'] });
  });

  it('has no introspection, no field suggestions and no explorer page', async () => {
    const introspection = await post('{ __schema { queryType { name } } }').expect(400);
    expect((introspection.body as Refusal).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await post('{ clustrs { name } }').expect(400);
    expect((typo.body as Refusal).errors[0].message).toBe('Cannot query field "clustrs" on type "Query".');
    const page = await t.anonymous.get('/graphql').set('Accept', 'text/html');
    expect(page.headers['content-type']).not.toMatch(/text\/html/);
    await t.anonymous.get('/graphql-explorer.js').expect(404);
  });
});

describe('GraphQL explorer on (PALISADE_GRAPHQL_EXPLORER=true) and a smaller budget', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PALISADE_GRAPHQL_EXPLORER: 'true', PALISADE_GRAPHQL_MAX_COST: '100' });
  });
  afterAll(() => t.close());

  it('serves an explorer page that loads nothing from outside the service', async () => {
    const page = await t.anonymous.get('/graphql').set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const references = [...page.text.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(references).toEqual(['/graphql-explorer.js']);
    const script = await t.anonymous.get('/graphql-explorer.js').expect(200);
    expect(script.headers['content-type']).toMatch(/text\/javascript/);
    expect(script.text).toContain("fetch('/graphql'");
    expect(script.text).not.toMatch(/https?:\/\//);
  });

  it('answers introspection and suggests field names', async () => {
    const introspection = await t.http.post('/graphql').send({ query: '{ __schema { queryType { name } } }' }).expect(200);
    expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const typo = await t.http.post('/graphql').send({ query: '{ clustrs { name } }' }).expect(400);
    expect((typo.body as Refusal).errors[0].message).toBe('Cannot query field "clustrs" on type "Query". Did you mean "clusters" or "cluster"?');
  });

  it('multiplies a page by its `first`: auditEvents(first: 99) fits a budget of 100, first: 100 does not', async () => {
    const fits = await t.http.post('/graphql').send({ query: '{ auditEvents(first: 99) { items { action } } }' }).expect(200);
    expect((fits.body as { data: { auditEvents: { items: unknown[] } } }).data.auditEvents.items.length).toBeGreaterThan(0);
    const over = await t.http.post('/graphql').send({ query: 'query Q($n: Int!) { auditEvents(first: $n) { items { action } } }', variables: { n: 100 } });
    expectRefused(over, 'QUERY_TOO_COMPLEX');
    expect((over.body as Refusal).errors[0].message).toBe('query cost 101 exceeds the budget of 100');
  });
});
