import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

describe('clusters (REST and GraphQL)', () => {
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('registers a cluster and stores it', async () => {
    const response = await t.http
      .post('/api/v1/clusters')
      .send({ name: 'prod-eu-1', displayName: 'Production (EU)', labels: { env: 'prod', 'example.com/team': 'net' } })
      .expect(201);
    expect(response.body).toMatchObject({
      name: 'prod-eu-1',
      displayName: 'Production (EU)',
      labels: { env: 'prod', 'example.com/team': 'net' },
      headVersion: 0,
      desiredVersion: null,
    });
    const { rows } = await sql.query('SELECT name, display_name, labels FROM clusters');
    expect(rows).toEqual([{ name: 'prod-eu-1', display_name: 'Production (EU)', labels: { env: 'prod', 'example.com/team': 'net' } }]);
  });

  it('refuses a duplicate name with 409 and a problem body', async () => {
    const response = await t.http.post('/api/v1/clusters').send({ name: 'prod-eu-1' }).expect(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 409, code: 'CLUSTER_ALREADY_EXISTS', detail: 'cluster "prod-eu-1" already exists' });
    expect(response.body.type).toBe('urn:palisade:problem:cluster-already-exists');
  });

  it.each([
    ['uppercase letters', { name: 'Prod' }, 'name'],
    ['an underscore', { name: 'prod_1' }, 'name'],
    ['a leading dash', { name: '-prod' }, 'name'],
    ['64 characters', { name: 'a'.repeat(64) }, 'name'],
    ['a bad label key', { name: 'ok', labels: { 'bad key': 'x' } }, 'labels'],
    ['a bad label value', { name: 'ok', labels: { env: 'no spaces' } }, 'labels'],
    ['a non-string label value', { name: 'ok', labels: { env: 1 } }, 'labels'],
    ['an unknown field', { name: 'ok', colour: 'red' }, 'colour'],
    ['a missing name', {}, 'name'],
  ])('rejects %s with 400 naming the field and stores nothing', async (_reason, body, path) => {
    const before = await sql.query('SELECT count(*)::int AS n FROM clusters');
    const response = await t.http.post('/api/v1/clusters').send(body).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    const after = await sql.query('SELECT count(*)::int AS n FROM clusters');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('answers malformed JSON with a 400 problem, not a stack trace', async () => {
    const response = await t.http.post('/api/v1/clusters').set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(response.body.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('lists and reads clusters, 404 for an unknown name', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'dev' }).expect(201);
    const list = await t.http.get('/api/v1/clusters').expect(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['dev', 'prod-eu-1']);
    const one = await t.http.get('/api/v1/clusters/dev').expect(200);
    expect(one.body).toMatchObject({ name: 'dev', labels: {}, displayName: null });
    const missing = await t.http.get('/api/v1/clusters/nope').expect(404);
    expect(missing.body).toMatchObject({ code: 'CLUSTER_NOT_FOUND', status: 404 });

    // A name that cannot be a cluster's (5,000 characters) is simply not found; a NUL byte is refused naming where it is.
    // Neither is ever a 500 from the database.
    const long = 'a'.repeat(5000);
    expect((await t.http.get(`/api/v1/clusters/${long}`).expect(404)).body.code).toBe('CLUSTER_NOT_FOUND');
    expect((await t.http.get(`/api/v1/connections/history?cluster=${long}`).expect(404)).body.code).toBe('CLUSTER_NOT_FOUND');
    expect((await t.http.get('/api/v1/clusters/p%00').expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'name must not contain NUL characters' });
    expect((await t.http.get('/api/v1/connections/history?cluster=p%00').expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'cluster must not contain NUL characters' });
    expect((await t.http.get(`/api/v1/connections/status?cluster=${long}`).expect(404)).body.code).toBe('CLUSTER_NOT_FOUND');
    expect((await t.http.get('/api/v1/connections/status?cluster=p%00').expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'cluster must not contain NUL characters' });
  });

  it('serves the same data through GraphQL as through REST', async () => {
    const created = await t.gql<{ registerCluster: Record<string, unknown> }>(
      `mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name displayName labels headVersion desiredVersion createdAt updatedAt } }`,
      { input: { name: 'staging', labels: { env: 'staging' } } },
    );
    expect(created.errors).toBeUndefined();
    const rest = await t.http.get('/api/v1/clusters/staging').expect(200);
    expect(created.data?.registerCluster).toEqual(rest.body);

    const listed = await t.gql<{ clusters: Record<string, unknown>[] }>(
      '{ clusters { name displayName labels headVersion desiredVersion createdAt updatedAt } }',
    );
    const restList = await t.http.get('/api/v1/clusters').expect(200);
    expect(listed.data?.clusters).toEqual(restList.body.items);
  });

  it('puts the REST error code into GraphQL extensions.code', async () => {
    const missing = await t.gql('{ cluster(name: "nope") { name } }');
    expect(missing.errors?.[0]).toMatchObject({ message: 'cluster "nope" not found', extensions: { code: 'CLUSTER_NOT_FOUND' } });
    const duplicate = await t.gql('mutation { registerCluster(input: {name: "staging"}) { name } }');
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CLUSTER_ALREADY_EXISTS');
    const invalid = await t.gql('mutation { registerCluster(input: {name: "Bad_Name"}) { name } }');
    expect(invalid.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(invalid)).not.toMatch(/stacktrace/i);
  });

  it('serves /healthz and the OpenAPI document', async () => {
    await t.http.get('/healthz').expect(200, { status: 'ok' });
    const openapi = await t.http.get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/clusters', '/api/v1/clusters/{name}', '/api/v1/clusters/{name}/versions/import']),
    );
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await t.http.get('/api/v1/nothing-here').expect(404);
    expect(response.body.code).toBe('ROUTE_NOT_FOUND');
  });
});
