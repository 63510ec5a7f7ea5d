import { execFile } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/test-app';

const policyYaml = (i: number, namespace = 'shop'): string =>
  ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', `metadata: {name: p-${i}, namespace: ${namespace}}`, 'spec:', `  podSelector: {matchLabels: {app: a${i}}}`, '  policyTypes: [Ingress]', ''].join('\n');

const policyJson = (i: number): Record<string, unknown> => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: `p-${i}`, namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: `a${i}` } }, policyTypes: ['Ingress'] },
});

const yamlOf = (count: number, doc: (i: number) => string = (i) => policyYaml(i)): string => Array.from({ length: count }, (_, i) => doc(i)).join('---\n');

// Each document has a field the NetworkPolicy schema does not know: one error per document.
const invalidDoc = (i: number): string => `${policyYaml(i)}bogus: ${i}\n`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  connection: string | undefined;
}

/**
 * Sends a request whose body announces `declaredBytes` but only `sentBytes` are ever written: the
 * request can only be answered if the server decides without reading the body to its end.
 */
function sendUnfinishedBody(t: TestApp, path: string, headers: Record<string, string>, chunked: boolean, sentBytes: number, declaredBytes = sentBytes * 100): Promise<Answer> {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml', ...(chunked ? {} : { 'Content-Length': String(declaredBytes) }), ...headers },
    });
    req.on('response', (response: IncomingMessage) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, connection: response.headers.connection });
        req.destroy();
      });
    });
    // The server hanging up on the rest of the body is the point: only a missing answer fails.
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.write('x'.repeat(sentBytes));
  });
}

/**
 * Sends a whole body from another process, as any client does (in this process the client's writes
 * and the server's reads share one event loop, which hides the race), and resolves with the status
 * it read, or the transport error (EPIPE, ECONNRESET) it got instead.
 */
function sendWholeBodyFromAnotherProcess(t: TestApp, path: string, token: string, bytes: number): Promise<string> {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const script = `
    const body = Buffer.alloc(${bytes}, 'x');
    const req = require('node:http').request({ host: '127.0.0.1', port: ${port}, path: ${JSON.stringify(path)}, method: 'POST',
      headers: { 'Content-Type': 'application/yaml', 'Content-Length': body.length, Authorization: 'Bearer ${token}' } });
    req.on('response', (res) => { res.resume(); res.on('end', () => console.log(String(res.statusCode))); });
    req.on('error', (error) => console.log(error.code));
    req.end(body);`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
  });
}

describe('refusing before reading the body', () => {
  let t: TestApp;
  let sql: Client;
  let auditor: string;
  let otherScopeProposer: string;

  const count = async (table: string): Promise<number> => (await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp({ POLICY_SET_MAX_BYTES: String(2 * 1024 * 1024), POLICY_SET_MAX_DOCUMENTS: '6000' });
    // Listening, for the requests sent below without supertest (bodies it cannot leave unfinished).
    await t.app.listen(0, '127.0.0.1');
    sql = await connectTo(t.db.url);
    for (const name of ['alpha', 'beta', 'bounded', 'large', 'slow', 'slow-gql']) await t.http.post('/api/v1/clusters').send({ name }).expect(201);
    auditor = (await t.mintToken({ name: 'auditor-ann', roles: ['auditor'] })).token;
    otherScopeProposer = (await t.mintToken({ name: 'proposer-bob', roles: ['proposer'], clusters: ['beta'] })).token;
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('lets a client that sends its whole large body read the 403 it was answered, instead of a reset', async () => {
    // 16 MB: far more than the socket buffers hold, so the answer comes while the client is still writing.
    const before = await count('policy_set_versions');
    for (let i = 0; i < 3; i++) expect(await sendWholeBodyFromAnotherProcess(t, '/api/v1/clusters/alpha/versions/import', auditor, 16 * 1024 * 1024)).toBe('403');
    expect(await count('policy_set_versions')).toBe(before);
  });

  it("answers a wrong role 403 without parsing its body: a malformed import is FORBIDDEN, not a manifest error, and nothing is stored", async () => {
    const response = await t.as(auditor).post('/api/v1/clusters/alpha/versions/import').set('Content-Type', 'application/yaml').send('kind: [unclosed\n').expect(403);
    expect(response.body.code).toBe('FORBIDDEN');
    const json = await t.as(auditor).post('/api/v1/clusters/alpha/versions/import').set('Content-Type', 'application/json').send('{"policies": [').expect(403);
    expect(json.body.code).toBe('FORBIDDEN');
    expect(await count('policy_set_versions')).toBe(0);
  });

  it('answers a proposal for a cluster outside the token’s scope 403 without parsing its body', async () => {
    const response = await t.as(otherScopeProposer).post('/api/v1/clusters/alpha/proposals').set('Content-Type', 'application/json').send('{"title": "x", "changes": ').expect(403);
    expect(response.body.code).toBe('FORBIDDEN');
    expect(await count('proposals')).toBe(0);
  });

  it('answers a revision of a proposal the caller cannot see 404 before reading its body', async () => {
    const response = await t.http.patch('/api/v1/proposals/00000000-0000-4000-8000-000000000000').set('Content-Type', 'application/json').send('{"title": ').expect(404);
    expect(response.body.code).toBe('PROPOSAL_NOT_FOUND');
  });

  it('answers a wrong scope, a wrong role and no token while the body is still being sent, and closes the connection', async () => {
    const scoped = await sendUnfinishedBody(t, '/api/v1/clusters/alpha/proposals?mode=replace&title=x', { Authorization: `Bearer ${otherScopeProposer}` }, false, 64 * 1024);
    expect(scoped).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' }, connection: 'close' });
    const role = await sendUnfinishedBody(t, '/api/v1/clusters/alpha/versions/import', { Authorization: `Bearer ${auditor}` }, true, 64 * 1024);
    expect(role).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' }, connection: 'close' });
    const anonymous = await sendUnfinishedBody(t, '/api/v1/clusters/alpha/versions/import', {}, true, 64 * 1024);
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' }, connection: 'close' });
    const graphql = await sendUnfinishedBody(t, '/graphql', { 'Content-Type': 'application/json' }, true, 64 * 1024);
    expect(graphql).toMatchObject({ status: 401, connection: 'close' });
    expect(await count('policy_set_versions')).toBe(0);
  });

  it('refuses a body above POLICY_SET_MAX_BYTES with 413 before parsing it, by Content-Length or once a chunked body passes the limit', async () => {
    const declared = await sendUnfinishedBody(t, '/api/v1/clusters/alpha/versions/import', { Authorization: `Bearer ${(await t.mintToken({ name: 'admin-declared', roles: ['admin'] })).token}` }, false, 1024, 3 * 1024 * 1024);
    expect(declared).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(declared.body['detail']).toContain('POLICY_SET_MAX_BYTES');
    // Never ended, and no valid YAML: answered 413 once 2 MiB have arrived, without parsing and without waiting for the rest.
    const chunked = await sendUnfinishedBody(t, '/api/v1/clusters/alpha/versions/import', { Authorization: `Bearer ${(await t.mintToken({ name: 'admin-chunked', roles: ['admin'] })).token}` }, true, 3 * 1024 * 1024);
    expect(chunked).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' }, connection: 'close' });
    expect(await count('policy_set_versions')).toBe(0);
  });

  it('refuses more documents than POLICY_SET_MAX_DOCUMENTS with 400 TOO_MANY_POLICIES, storing nothing', async () => {
    const yaml = await t.http.post('/api/v1/clusters/bounded/versions/import').set('Content-Type', 'application/yaml').send(yamlOf(6001)).expect(400);
    expect(yaml.body).toMatchObject({ code: 'TOO_MANY_POLICIES' });
    expect(yaml.body.detail).toContain('at most 6000');
    const json = await t.http.post('/api/v1/clusters/bounded/versions/import').send({ policies: Array.from({ length: 6001 }, (_, i) => policyJson(i)) }).expect(400);
    expect(json.body.code).toBe('TOO_MANY_POLICIES');
    const proposal = await t.http.post('/api/v1/clusters/bounded/proposals?mode=replace&title=many').set('Content-Type', 'application/yaml').send(yamlOf(6001)).expect(400);
    expect(proposal.body.code).toBe('TOO_MANY_POLICIES');
    expect(await count('policy_set_versions')).toBe(0);
  });

  it('lists at most 100 errors of an invalid policy set, with errorCount giving the total', async () => {
    const response = await t.http.post('/api/v1/clusters/bounded/versions/import').set('Content-Type', 'application/yaml').send(yamlOf(300, invalidDoc)).expect(400);
    expect(response.body.code).toBe('MANIFEST_INVALID');
    expect(response.body.errors).toHaveLength(100);
    expect(response.body.errorCount).toBe(300);
    expect(response.body.errors[99]).toMatchObject({ document: 100 });
    expect(response.body.detail).toMatch(/^300 error\(s\) in the submitted policies: .*; and 290 more$/);
    expect(await count('policy_set_versions')).toBe(0);
  });

  it('imports a version of 5,500 policies in one request', async () => {
    const response = await t.http.post('/api/v1/clusters/large/versions/import').set('Content-Type', 'application/yaml').send(yamlOf(5500)).expect(201);
    expect(response.body).toMatchObject({ number: 1, policyCount: 5500 });
    expect(await count('policy_set_entries')).toBe(5500);
  });

  it.each([
    // REST: the YAML body itself; the import answers 400 MANIFEST_INVALID.
    ['REST', 'slow', (yaml: string) => ({ path: '/api/v1/clusters/slow/versions/import', type: 'application/yaml', body: yaml }), 400],
    // GraphQL: the YAML in the input; errors come with status 200.
    [
      'GraphQL',
      'slow-gql',
      (yaml: string) => ({
        path: '/graphql',
        type: 'application/json',
        body: JSON.stringify({ query: 'mutation($yaml: String) { importVersion(cluster: "slow-gql", input: {yaml: $yaml}) { number } }', variables: { yaml } }),
      }),
      200,
    ],
  ] as const)('answers /healthz while a large YAML policy set sent through %s is being parsed', async (_transport, _cluster, requestOf, status) => {
    // 6,000 documents take the parser seconds; the last one is invalid, so the import answers as soon as parsing ends.
    const { path, type, body } = requestOf(`${yamlOf(5999)}---\n${invalidDoc(5999)}`);
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const events: string[] = [];
    let done = false;
    let sent!: () => void;
    const bodySent = new Promise<void>((resolve) => (sent = resolve));
    const importing = new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': type, Authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      req.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          done = true;
          events.push(`import ${response.statusCode}`);
          resolve(text);
        });
      });
      req.on('error', reject);
      req.end(body, () => sent());
    });
    await bodySent;
    // Health checks from the moment the whole body is sent until the import is answered.
    while (!done) {
      const health = await t.anonymous.get('/healthz');
      if (!done) events.push(`healthz ${health.status}`);
    }
    expect(await importing).toContain('MANIFEST_INVALID');
    expect(events.at(-1)).toBe(`import ${status}`);
    // Not one or two that slipped in before parsing began: the event loop stayed free throughout.
    expect(events.filter((e) => e === 'healthz 200').length).toBeGreaterThan(3);
  });
});
