import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

function policy(name: string): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'default' }, spec: { podSelector: {} } };
}

/** Row counts of every table but the ones background work keeps (checkpoints of the audit chain, the connection history's progress). */
async function tableCounts(sql: Client): Promise<Record<string, number>> {
  const tables = (await sql.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '%checkpoint%' AND tablename <> 'connectivity_tracking' ORDER BY 1`)).rows;
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`)).rows[0].n;
  return counts;
}

/** Sends raw bytes, as a client with a broken encoder would (supertest re-encodes what it is given). */
function sendRaw(t: TestApp, method: string, path: string, body: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const server = t.app.getHttpServer() as import('node:http').Server;
  if (!server.listening) server.listen(0, '127.0.0.1');
  return new Promise((resolve, reject) => {
    const go = () => {
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(body);
    };
    if (server.listening) go();
    else server.once('listening', go);
  });
}

describe('request values PostgreSQL cannot store, or JavaScript would silently change', () => {
  let t: TestApp;
  let sql: Client;
  let proposalId: string;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'alpha', labels: { env: 'prod' } }).expect(201);
    await t.http.post('/api/v1/clusters/alpha/versions/import').send({ policies: [policy('a')] }).expect(201);
    const created = await t.http.post('/api/v1/clusters/alpha/proposals').set('Prefer', 'wait=30').send({ title: 'p', baseVersion: 1, changes: { upsert: [policy('b')] } }).expect(201);
    proposalId = created.body.id as string;
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it.each([
    ['a NUL in a cluster display name', () => t.http.post('/api/v1/clusters').send({ name: 'beta', displayName: 'a\u0000b' }), 'displayName'],
    ['a NUL in a label value', () => t.http.post('/api/v1/clusters').send({ name: 'beta', labels: { team: 'a\u0000b' } }), 'labels.team'],
    ['a NUL in a proposal title', () => t.http.post('/api/v1/clusters/alpha/proposals').send({ title: 'a\u0000b', baseVersion: 1, changes: { upsert: [policy('c')] } }), 'title'],
    ['a NUL in a description', () => t.http.post('/api/v1/clusters/alpha/proposals').send({ title: 't', description: 'a\u0000b', baseVersion: 1, changes: { upsert: [policy('c')] } }), 'description'],
    ['a NUL in source.commit', () => t.http.post('/api/v1/clusters/alpha/proposals').send({ title: 't', baseVersion: 1, source: { kind: 'git', commit: 'a\u0000b' }, changes: { upsert: [policy('c')] } }), 'source.commit'],
    ['a NUL in an annotation', () => t.http.post('/api/v1/clusters/alpha/proposals').send({ title: 't', baseVersion: 1, changes: { upsert: [{ ...policy('c'), metadata: { name: 'c', namespace: 'default', annotations: { note: 'a\u0000b' } } }] } }), 'changes.upsert[0].metadata.annotations.note'],
    ['a NUL in a review comment', () => t.http.post(`/api/v1/proposals/${proposalId}/reviews`).send({ verdict: 'COMMENT', comment: 'a\u0000b' }), 'comment'],
    ['a NUL in a rule description', () => t.http.put('/api/v1/approval-rules/r').send({ matchLabels: { env: 'prod' }, minApprovals: 1, description: 'a\u0000b' }), 'description'],
    ['a lone surrogate in a title', () => t.http.post('/api/v1/clusters/alpha/proposals').send({ title: 'a\ud800b', baseVersion: 1, changes: { upsert: [policy('c')] } }), 'title'],
    ['a __proto__ label', () => t.http.post('/api/v1/clusters').set('Content-Type', 'application/json').send('{"name":"gamma","labels":{"__proto__":"x"}}'), 'labels.__proto__'],
    ['JSON nested 3,000 levels', () => t.http.post('/api/v1/clusters').set('Content-Type', 'application/json').send(`{"name":"delta","labels":${'['.repeat(3000)}${']'.repeat(3000)}}`), 'labels'],
    ['a NUL in a GraphQL argument', () => t.http.post('/graphql').send({ query: 'mutation { registerCluster(input: {name: "zeta", displayName: "a\\u0000b"}) { name } }' }), 'displayName'],
    ['a NUL in GraphQL variables', () => t.http.post('/graphql').send({ query: 'mutation($d: String) { registerCluster(input: {name: "zeta", displayName: $d}) { name } }', variables: { d: 'a\u0000b' } }), 'variables.d'],
  ])('refuses %s with 400 naming it, storing nothing', async (_what, send, path) => {
    const before = await tableCounts(sql);
    const response = await send();
    // GraphQL answers with its errors body: 200 for a refused argument, 400 for a body refused before GraphQL reads it.
    const isGraphql = response.request.url.endsWith('/graphql');
    const problem = isGraphql ? (response.body.errors?.[0] as { message: string; extensions: Record<string, unknown> }) : null;
    if (isGraphql) {
      expect(problem, JSON.stringify(response.body)).toBeDefined();
      expect(problem!.extensions['code']).toBe('VALIDATION_FAILED');
      expect(problem!.message).toContain(path.split('.').pop());
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(response.body.errors ?? response.body)).toContain(path.replace(/\[.*$/, ''));
    }
    expect(await tableCounts(sql)).toEqual(before);
  });

  it.each([
    ['/api/v1/clusters/al%00pha', 'name'],
    ['/api/v1/audit?actor=a%00b', 'actor'],
    ['/api/v1/audit?to=0000-01-01T00:00:00Z', 'to'],
    ['/api/v1/audit?from=99999-01-01T00:00:00Z', 'from'],
    ['/api/v1/connections/history?since=0000-01-01T00:00:00Z', 'since'],
    ['/api/v1/audit?limit=abc', 'limit'],
    ['/api/v1/clusters/alpha/versions?limit=abc', 'limit'],
    ['/api/v1/clusters/alpha/versions/1e0', 'number'],
    ['/api/v1/clusters/alpha/versions/0x1', 'number'],
    ['/api/v1/clusters/alpha/proposals?limit=2.5', 'limit'],
  ])('refuses GET %s with 400 naming %s', async (url, name) => {
    const response = await t.http.get(url);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.detail).toContain(name);
  });

  it('refuses a JSON body that is not valid UTF-8 with 400, instead of storing U+FFFD', async () => {
    const before = await tableCounts(sql);
    const body = Buffer.concat([Buffer.from('{"name":"epsilon","displayName":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const response = await sendRaw(t, 'POST', '/api/v1/clusters', body);
    expect(response.status).toBe(400);
    expect(String(response.body['detail'])).toContain('UTF-8');
    expect(await tableCounts(sql)).toEqual(before);
  });

  it('answers every operation of the OpenAPI document with no 5xx, and stores nothing, whatever hostile values it is sent', async () => {
    const document = (await t.anonymous.get('/api/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }> } }>>;
      components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => {
          const schema = op.requestBody?.content?.['application/json']?.schema;
          const properties = schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').pop() ?? '']?.properties : schema?.properties;
          return { method, path, query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name), bodyFields: Object.keys(properties ?? {}), hasBody: op.requestBody !== undefined };
        }),
    );
    expect(operations.length).toBeGreaterThan(40);
    // Already percent-encoded: a NUL, invalid UTF-8, a surrogate encoded as UTF-8, loose numbers, a year 0 date, a long value.
    const urlValues = ['a%00b', '%FF', '%ED%A0%80', '0x1', '1e0', '-1', 'abc', '0000-01-01T00:00:00Z', 'x'.repeat(3000)];
    const bodyValues: unknown[] = ['a\u0000b', 'x\ud800', { deep: JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown }, JSON.parse('{"__proto__":{"admin":true}}') as unknown];
    const before = await tableCounts(sql);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), fc.constantFrom(...urlValues), fc.constantFrom(...bodyValues), async (op, urlValue, bodyValue) => {
        const path = op.path.replace(/\{[^}]+\}/g, urlValue);
        const query = op.query.map((name) => `${encodeURIComponent(name)}=${urlValue}`).join('&');
        const url = query ? `${path}?${query}` : path;
        let req = t.http[op.method as 'get'](url);
        if (op.hasBody) {
          const fields = op.bodyFields.length > 0 ? op.bodyFields : ['value'];
          req = req.set('Content-Type', 'application/json').send(JSON.stringify(Object.fromEntries(fields.map((f) => [f, bodyValue]))));
        }
        const response = await req;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${op.method.toUpperCase()} ${url}: ${JSON.stringify(response.body).slice(0, 300)}`).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
    expect(await tableCounts(sql)).toEqual(before);
    // The requests were refused for what they carried, not all for one reason.
    expect(statuses.get(400)).toBeGreaterThan(50);
  }, 300_000);
});
