import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PolicySetVersionRepository, PrismaService } from '@palisade/persistence';
import { parseAllDocuments } from 'yaml';
import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

const fixtures = join(__dirname, '..', 'fixtures', 'seed');
const articleYaml = readFileSync(join(fixtures, 'article-policies.yaml'), 'utf8');
const brokenYaml = readFileSync(join(fixtures, 'article-broken-egress.yaml'), 'utf8');
const articlePolicies = parseAllDocuments(articleYaml).map((doc) => doc.toJS() as Record<string, unknown>);

// The mis-indented `   ports:` line of the article's last manifest.
const SEED_BROKEN_LINE = 13;

const VERSION_FIELDS = 'number parentNumber contentHash author { id name } origin sourceProposalId policyCount createdAt policies';

describe('policy versions (REST and GraphQL)', () => {
  let t: TestApp;
  let sql: Client;

  const count = async (table: string): Promise<number> =>
    (await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    sql = await connectTo(t.db.url);
    for (const name of ['seed', 'json', 'reordered', 'paged', 'gql']) {
      await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    }
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('rejects the seed article’s mis-indented manifest with its line, storing nothing', async () => {
    const response = await t.http
      .post('/api/v1/clusters/seed/versions/import')
      .set('Content-Type', 'application/yaml')
      .send(brokenYaml)
      .expect(400);
    expect(response.body.code).toBe('MANIFEST_INVALID');
    expect(response.body.errors[0]).toMatchObject({ document: 1, line: SEED_BROKEN_LINE });
    expect(response.body.detail).toContain(`line ${SEED_BROKEN_LINE}`);
    expect(await count('policy_set_versions')).toBe(0);
    expect(await count('network_policy_contents')).toBe(0);
  });

  it('imports the seed article’s policies as version 1 and reads them back identically', async () => {
    const response = await t.http
      .post('/api/v1/clusters/seed/versions/import')
      .set('Content-Type', 'application/yaml')
      .send(articleYaml)
      .expect(201);
    expect(response.body).toMatchObject({ number: 1, parentNumber: null, origin: 'IMPORT', policyCount: 5 });
    expect(response.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const expected = articlePolicies
      .map((p) => ({ ...p, metadata: { ...(p['metadata'] as object), namespace: 'default' } }))
      .sort((a, b) => (a.metadata as unknown as { name: string }).name.localeCompare((b.metadata as unknown as { name: string }).name));
    expect(response.body.policies).toEqual(expected);

    const head = await t.http.get('/api/v1/clusters/seed/versions/head').expect(200);
    const byNumber = await t.http.get('/api/v1/clusters/seed/versions/1').expect(200);
    expect(head.body).toEqual(response.body);
    expect(byNumber.body).toEqual(response.body);

    const gql = await t.gql<{ version: unknown }>(`query { version(cluster: "seed", number: 1) { ${VERSION_FIELDS} } }`);
    expect(gql.errors).toBeUndefined();
    expect(gql.data?.version).toEqual(response.body);

    const cluster = await t.http.get('/api/v1/clusters/seed').expect(200);
    expect(cluster.body).toMatchObject({ headVersion: 1, desiredVersion: 1 });
    expect(await count('policy_set_entries')).toBe(5);
  });

  it('refuses a second import with 409: later versions come from proposals', async () => {
    const response = await t.http
      .post('/api/v1/clusters/seed/versions/import')
      .set('Content-Type', 'application/yaml')
      .send(articleYaml)
      .expect(409);
    expect(response.body.code).toBe('CLUSTER_ALREADY_HAS_VERSIONS');
    expect(await count('policy_set_versions')).toBe(1);
  });

  it('rejects a JSON set with one invalid policy, naming document and field, storing nothing', async () => {
    const bad = structuredClone(articlePolicies[4]) as { spec: { egress: { ports: { port: number }[] }[] } };
    bad.spec.egress[0]!.ports[0]!.port = 70000;
    const response = await t.http
      .post('/api/v1/clusters/json/versions/import')
      .send({ policies: [articlePolicies[0], bad] })
      .expect(400);
    expect(response.body.code).toBe('MANIFEST_INVALID');
    expect(response.body.errors).toEqual([
      expect.objectContaining({ document: 2, path: 'spec.egress[0].ports[0].port' }),
    ]);
    expect(await count('policy_set_versions')).toBe(1);
  });

  it('rejects two policies with the same namespace and name', async () => {
    const response = await t.http
      .post('/api/v1/clusters/json/versions/import')
      .send({ policies: [articlePolicies[0], articlePolicies[0]] })
      .expect(400);
    expect(response.body.code).toBe('MANIFEST_INVALID');
    expect(response.body.errors[0]).toMatchObject({ document: 2 });
  });

  it.each([
    ['a body without policies', { items: [] }, 'items'],
    ['policies that are not an array', { policies: {} }, 'policies'],
    ['an empty set', { policies: [] }, 'policies'],
  ])('rejects %s with 400 VALIDATION_FAILED', async (_reason, body, path) => {
    const response = await t.http.post('/api/v1/clusters/json/versions/import').send(body).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors[0].path).toBe(path);
  });

  it('answers an unsupported content type with 415', async () => {
    const response = await t.http.post('/api/v1/clusters/json/versions/import').set('Content-Type', 'text/plain').send('x').expect(415);
    expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('gives the same content hash for another order and spelled-out defaults', async () => {
    const seed = await t.http.get('/api/v1/clusters/seed/versions/1').expect(200);
    const spelledOut = articlePolicies
      .map((p) => structuredClone(p) as { metadata: Record<string, unknown>; spec: Record<string, unknown> })
      .reverse()
      .map((p) => {
        p.metadata['namespace'] = 'default';
        if (!p.spec['policyTypes']) p.spec['policyTypes'] = p.spec['egress'] ? ['Ingress', 'Egress'] : ['Ingress'];
        return p;
      });
    (spelledOut[0]!.spec['egress'] as { ports: { protocol?: string }[] }[])[0]!.ports[0]!.protocol = 'TCP';
    const response = await t.http.post('/api/v1/clusters/reordered/versions/import').send({ policies: spelledOut }).expect(201);
    expect(response.body.contentHash).toBe(seed.body.contentHash);
  });

  it('pages through versions newest first with a cursor', async () => {
    await t.http.post('/api/v1/clusters/paged/versions/import').set('Content-Type', 'application/yaml').send(articleYaml).expect(201);
    // Later versions come from merged proposals; here the repository appends them directly.
    const prisma = t.app.get(PrismaService);
    const repository = t.app.get(PolicySetVersionRepository);
    const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name: 'paged' } });
    for (let i = 0; i < 4; i++) {
      await prisma.$transaction((tx) =>
        repository.append({ clusterId: cluster.id, contentHash: `h${i}`, authorId: null, authorName: 'test', origin: 'PROPOSAL', policies: [] }, tx),
      );
    }
    const first = await t.http.get('/api/v1/clusters/paged/versions?limit=2').expect(200);
    expect(first.body.items.map((v: { number: number }) => v.number)).toEqual([5, 4]);
    expect(first.body.items[0]).not.toHaveProperty('policies');
    const second = await t.http.get(`/api/v1/clusters/paged/versions?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((v: { number: number }) => v.number)).toEqual([3, 2]);
    const third = await t.http.get(`/api/v1/clusters/paged/versions?limit=2&cursor=${second.body.nextCursor}`).expect(200);
    expect(third.body).toMatchObject({ nextCursor: null });
    expect(third.body.items.map((v: { number: number }) => v.number)).toEqual([1]);
    expect(third.body.items[0].parentNumber).toBeNull();
    expect(second.body.items[0].parentNumber).toBe(2);

    const gql = await t.gql<{ versions: unknown }>(
      `query { versions(cluster: "paged", first: 2) { items { number parentNumber contentHash author { id name } origin sourceProposalId policyCount createdAt } nextCursor } }`,
    );
    expect(gql.data?.versions).toEqual(first.body);

    await t.http.get('/api/v1/clusters/paged/versions?cursor=garbage').expect(400);
    const limit = await t.http.get('/api/v1/clusters/paged/versions?limit=0').expect(400);
    expect(limit.body.errors[0].path).toBe('limit');
  });

  it('answers 404 for unknown clusters and versions', async () => {
    expect((await t.http.get('/api/v1/clusters/nope/versions').expect(404)).body.code).toBe('CLUSTER_NOT_FOUND');
    expect((await t.http.get('/api/v1/clusters/seed/versions/99').expect(404)).body.code).toBe('VERSION_NOT_FOUND');
    expect((await t.http.get('/api/v1/clusters/json/versions/head').expect(404)).body.code).toBe('VERSION_NOT_FOUND');
    expect((await t.http.get('/api/v1/clusters/seed/versions/x').expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('imports through GraphQL with the same result as REST, and the same errors', async () => {
    const imported = await t.gql<{ importVersion: Record<string, unknown> }>(
      `mutation($yaml: String) { importVersion(cluster: "gql", input: { yaml: $yaml }) { ${VERSION_FIELDS} } }`,
      { yaml: articleYaml },
    );
    expect(imported.errors).toBeUndefined();
    const rest = await t.http.get('/api/v1/clusters/gql/versions/1').expect(200);
    expect(imported.data?.importVersion).toEqual(rest.body);

    const broken = await t.gql(`mutation($yaml: String) { importVersion(cluster: "json", input: { yaml: $yaml }) { number } }`, {
      yaml: brokenYaml,
    });
    expect(broken.errors?.[0]?.extensions).toMatchObject({ code: 'MANIFEST_INVALID', details: [expect.objectContaining({ line: SEED_BROKEN_LINE })] });
  });
});
