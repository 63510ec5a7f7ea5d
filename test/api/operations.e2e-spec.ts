import { connectTo } from '../../libs/testing/src';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

/** Liveness, readiness, /metrics, security headers and method handling: what operators and scanners see. */
describe('operations: health, readiness, metrics and HTTP hygiene', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/healthz answers 200 without touching the database; /readyz reports the database and migrations', async () => {
    expect((await t.anonymous.get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.anonymous.get('/readyz').expect(200)).body).toEqual({ status: 'ok', database: 'ok', migrations: 'current' });
  });

  it('puts security headers and Cache-Control: no-store on every response, errors included', async () => {
    for (const response of [await t.anonymous.get('/healthz'), await t.anonymous.get('/api/v1/clusters'), await t.anonymous.get('/no/such/path')]) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('answers a new token secret with Cache-Control: no-store, over REST and GraphQL', async () => {
    const rest = await t.http.post('/api/v1/tokens').send({ name: 'cache-rest', kind: 'bot', roles: ['auditor'] }).expect(201);
    expect(rest.body.secret).toMatch(/^pal_/);
    expect(rest.headers['cache-control']).toBe('no-store');
    const gql = await t.anonymous
      .post('/graphql')
      .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ query: 'mutation { createApiToken(input: { name: "cache-gql", kind: "bot", roles: ["auditor"] }) { secret } }' })
      .expect(200);
    expect(gql.body.data.createApiToken.secret).toMatch(/^pal_/);
    expect(gql.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['DELETE', '/api/v1/clusters', 'GET, HEAD, POST'],
    ['PATCH', '/healthz', 'GET, HEAD'],
    ['TRACE', '/api/v1/clusters', 'GET, HEAD, POST'],
    ['OPTIONS', '/readyz', 'GET, HEAD'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    const response = await t.anonymous[method.toLowerCase() as 'delete'](path);
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe(allow);
    if (method !== 'OPTIONS') expect(response.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });

  it('keeps 404 for unknown paths, whatever the method', async () => {
    expect((await t.anonymous.get('/api/v1/nothing-here').expect(404)).body.code).toBe('ROUTE_NOT_FOUND');
    expect((await t.anonymous.delete('/api/v1/nothing-here').expect(404)).body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('serves Prometheus metrics: HTTP durations by route template, proposals by status, audit appends, pool usage, analysis queue', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'metrics-one' }).expect(201);
    await t.http.get('/api/v1/clusters/metrics-one').expect(200);
    await t.http.get('/api/v1/clusters/no-such-cluster').expect(404);
    await t.http.get('/api/v1/no-such-route').expect(404);
    expect(await t.gql('{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    const response = await t.anonymous.get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.text;
    expect(text).toContain('# TYPE palisade_http_request_duration_seconds histogram');
    expect(text).toMatch(/palisade_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/clusters\/:name",status="200"\} 1\n/);
    expect(text).toMatch(/palisade_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/clusters\/:name",status="404"\} 1\n/);
    expect(text).not.toContain('route="/api/v1/clusters/metrics-one"');
    expect(text).toMatch(/palisade_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} [1-9]\d*\n/);
    expect(text).toMatch(/palisade_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} [1-9]\d*\n/);
    expect(text).toMatch(/palisade_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/clusters",status="201"\} 1\n/);
    expect(text).toMatch(/palisade_proposals\{status="OPEN"\} 0\n/);
    expect(text).toMatch(/palisade_proposals\{status="MERGED"\} 0\n/);
    expect(text).toMatch(/palisade_audit_append_duration_seconds_count\{action="cluster.registered"\} 1\n/);
    expect(text).toMatch(/palisade_db_pool_connections\{state="max"\} 5\n/);
    expect(text).toMatch(/palisade_analysis_queue_depth 0\n/);
    expect(text).toMatch(/palisade_connection_history_failing_clusters 0\n/);
    expect(text).toContain('palisade_process_resident_memory_bytes');
  });

  it('answers 503 SERVICE_UNAVAILABLE on /readyz while the database is gone, keeps /healthz at 200, and recovers', async () => {
    const admin = await connectTo(t.db.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1'));
    try {
      // The database goes away: no new connections, and every open one (the API's pool) is cut.
      await admin.query(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [t.db.name]);
      const down = await t.anonymous.get('/readyz');
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toContain('application/problem+json');
      expect(down.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'database unreachable' });
      expect((await t.anonymous.get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
      // /metrics still answers: the database-backed series are left out rather than failing the scrape.
      expect((await t.anonymous.get('/metrics').expect(200)).text).toContain('palisade_db_pool_connections');
    } finally {
      await admin.query(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    expect((await t.anonymous.get('/readyz').expect(200)).body.database).toBe('ok');
  });
});

describe('operations: METRICS_TOKEN', () => {
  let t: TestApp;
  const METRICS_TOKEN = 'scrape-secret-0123456789';

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a scrape without the metrics token (401), and a Palisade API token is not one', async () => {
    expect((await t.anonymous.get('/metrics').expect(401)).body.code).toBe('UNAUTHENTICATED');
    await t.http.get('/metrics').expect(401);
    const scraped = await t.anonymous.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(scraped.text).toContain('palisade_http_request_duration_seconds');
  });
});
