import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';
import { createTestApp, type TestApp } from '../support/test-app';

function kubeconfig(server: string, caData: string, user: Record<string, unknown>, extraContexts = 0): string {
  const contexts = [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }];
  for (let i = 0; i < extraContexts; i++) contexts.push({ name: `other-${i}`, context: { cluster: 'c', user: 'u' } });
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': caData } }],
    users: [{ name: 'u', user }],
    contexts,
    'current-context': 'ctx',
  });
}

/** A CA unrelated to the test API server. */
function otherCa(): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-other-ca-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=other'], { stdio: 'ignore' });
    return readFileSync(join(dir, 'c'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const OTHER_CA = otherCa();

describeWithKube('cluster connections (real kube-apiserver)', () => {
  let kube: KubeApiServer;
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    [kube, t] = await Promise.all([startKubeApiServer(), createTestApp()]);
    sql = await connectTo(t.db.url);
    for (const name of ['prod', 'staging', 'limited']) await t.http.post('/api/v1/clusters').send({ name }).expect(201);
  });
  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await kube?.stop();
  });

  it('checks a {server, caData, token} connection, records version and capabilities, and stores the token only encrypted', async () => {
    const response = await t.http.put('/api/v1/clusters/prod/connection').send({ server: kube.url, caData: kube.caData, token: kube.adminToken }).expect(200);
    expect(response.body).toMatchObject({
      serverVersion: kube.version,
      capabilities: { endPort: false, adminNetworkPolicy: false },
      authMethod: 'token',
    });
    expect(kube.version).toMatch(/^v1\.20\./);

    const { rows } = await sql.query<{ credentials: Buffer; server_version: string }>(
      'SELECT cc.credentials, cc.server_version FROM cluster_connections cc JOIN clusters c ON c.id = cc.cluster_id WHERE c.name = $1',
      ['prod'],
    );
    expect(rows).toHaveLength(1);
    const stored = rows[0]!.credentials;
    expect(stored.length).toBeGreaterThan(29);
    expect(stored.includes(Buffer.from(kube.adminToken))).toBe(false);
    expect(stored.toString('latin1')).not.toContain(kube.adminToken);
    expect(stored.toString('base64')).not.toContain(Buffer.from(kube.adminToken).toString('base64'));
    expect(stored.includes(Buffer.from(kube.url))).toBe(false);
  });

  it('never returns the credentials: not from REST, GraphQL or the audit trail', async () => {
    const bodies = [
      (await t.http.get('/api/v1/clusters/prod/connection').expect(200)).body,
      (await t.http.get('/api/v1/clusters/prod/sync').expect(200)).body,
      (await t.http.get('/api/v1/clusters/prod').expect(200)).body,
      await t.gql('{ clusterConnection(cluster: "prod") { serverVersion authMethod checkedAt } clusterSync(cluster: "prod") { status connected serverVersion } }'),
    ];
    const audit = await sql.query("SELECT action, after FROM audit_events WHERE action LIKE 'cluster.connection%'");
    expect(audit.rows.map((r: { action: string }) => r.action)).toEqual(['cluster.connection_saved']);
    for (const body of [...bodies, audit.rows]) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(kube.adminToken);
      expect(text).not.toContain(kube.caData);
    }
    expect(bodies[3]).toMatchObject({ data: { clusterConnection: { serverVersion: kube.version, authMethod: 'token' }, clusterSync: { connected: true } } });
  });

  it('accepts a kubeconfig with one context, and GraphQL answers like REST', async () => {
    const rest = await t.http.put('/api/v1/clusters/staging/connection').send({ kubeconfig: kubeconfig(kube.url, kube.caData, { token: kube.adminToken }) }).expect(200);
    const gql = await t.gql<{ saveClusterConnection: Record<string, unknown> }>(
      'mutation($input: SaveConnectionInput!) { saveClusterConnection(cluster: "staging", input: $input) { serverVersion authMethod capabilities { endPort adminNetworkPolicy } } }',
      { input: { kubeconfig: kubeconfig(kube.url, kube.caData, { token: kube.adminToken }) } },
    );
    expect(gql.errors).toBeUndefined();
    expect(gql.data?.saveClusterConnection).toEqual({
      serverVersion: rest.body.serverVersion,
      authMethod: rest.body.authMethod,
      capabilities: rest.body.capabilities,
    });
    const audit = await sql.query("SELECT action FROM audit_events WHERE action LIKE 'cluster.connection%' AND cluster_name = 'staging' ORDER BY seq");
    expect(audit.rows.map((r: { action: string }) => r.action)).toEqual(['cluster.connection_saved', 'cluster.connection_replaced']);
  });

  it('refuses credentials that cannot patch NetworkPolicies with 400 naming what is missing, and stores nothing', async () => {
    const response = await t.http.put('/api/v1/clusters/limited/connection').send({ server: kube.url, caData: kube.caData, token: kube.limitedToken }).expect(400);
    expect(response.body.code).toBe('CONNECTION_PERMISSIONS_MISSING');
    expect(response.body.detail).toContain('patch networkpolicies.networking.k8s.io');
    expect(response.body.detail).toContain('delete networkpolicies.networking.k8s.io');
    expect(response.body.detail).toContain('list pods');
    expect(response.body.detail).not.toContain('list networkpolicies'); // the limited user may list them
    const { rows } = await sql.query("SELECT 1 FROM cluster_connections cc JOIN clusters c ON c.id = cc.cluster_id WHERE c.name = 'limited'");
    expect(rows).toHaveLength(0);
  });

  it.each([
    ['a token the server does not know', () => ({ server: kube.url, caData: kube.caData, token: 'not-a-real-token' }), 'CONNECTION_CHECK_FAILED', 'refused the credentials (HTTP 401'],
    ['a server that does not answer', () => ({ server: 'https://127.0.0.1:1', caData: kube.caData, token: kube.adminToken }), 'CONNECTION_CHECK_FAILED', 'no Kubernetes API server answered at https://127.0.0.1:1'],
    ['a CA that did not sign the server certificate', () => ({ server: kube.url, caData: OTHER_CA, token: kube.adminToken }), 'CONNECTION_CHECK_FAILED', 'no Kubernetes API server answered at'],
  ])('answers %s with 400 %s', async (_what, body, code, detail) => {
    const response = await t.http.put('/api/v1/clusters/limited/connection').send(body()).expect(400);
    expect(response.body).toMatchObject({ code });
    expect(response.body.detail).toContain(detail);
  });

  it('answers a closed port, a non-TLS service and a TLS server that is not the cluster alike, without low-level codes', async () => {
    const details = await Promise.all(
      ['https://127.0.0.1:1', 'https://127.0.0.1:5432', kube.url].map(async (server) => {
        const response = await t.http.put('/api/v1/clusters/limited/connection').send({ server, caData: OTHER_CA, token: kube.adminToken }).expect(400);
        expect(response.body.code).toBe('CONNECTION_CHECK_FAILED');
        return String(response.body.detail).replace(server, 'SERVER');
      }),
    );
    expect(new Set(details).size).toBe(1);
    expect(details[0]).not.toMatch(/\bE[A-Z]{4,}\b/); // ECONNREFUSED, ECONNRESET, EPROTO...
    expect(details[0]).not.toMatch(/certificate verify|self.signed|wrong version|socket hang up/i);
  });

  it.each([
    ['an http:// server', () => ({ server: kube.url.replace('https', 'http'), token: 'x' }), 'server'],
    ['no token', () => ({ server: kube.url, caData: kube.caData }), 'token'],
    ['caData that is not a certificate', () => ({ server: kube.url, caData: 'bm90IGEgY2VydA==', token: 'x' }), 'caData'],
    ['both forms at once', () => ({ kubeconfig: 'x', server: kube.url, token: 'x' }), ''],
    ['a kubeconfig with two contexts', () => ({ kubeconfig: kubeconfig(kube.url, kube.caData, { token: 'x' }, 1) }), 'kubeconfig.contexts'],
    ['an exec plugin', () => ({ kubeconfig: kubeconfig(kube.url, kube.caData, { exec: { command: 'sh' } }) }), 'kubeconfig.users[0].user.exec'],
    ['a token file', () => ({ kubeconfig: kubeconfig(kube.url, kube.caData, { 'token-file': '/etc/passwd' }) }), 'kubeconfig.users[0].user.token-file'],
    ['a client key file', () => ({ kubeconfig: kubeconfig(kube.url, kube.caData, { 'client-certificate': '/x', 'client-key': '/y' }) }), 'kubeconfig.users[0].user.client-key'],
    ['invalid YAML', () => ({ kubeconfig: 'clusters: [' }), 'kubeconfig'],
  ])('rejects %s with 400 CONNECTION_INVALID naming the field', async (_what, body, path) => {
    const response = await t.http.put('/api/v1/clusters/limited/connection').send(body()).expect(400);
    expect(response.body.code).toBe('CONNECTION_INVALID');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('lets only admins (within scope) connect, change settings or retry; any principal in scope reads', async () => {
    const proposer = await t.mintToken({ name: 'pat', roles: ['proposer', 'approver'] });
    const scopedAdmin = await t.mintToken({ name: 'ada', roles: ['admin'], clusters: ['staging'] });
    const body = { server: kube.url, caData: kube.caData, token: kube.adminToken };
    expect((await t.as(proposer.token).put('/api/v1/clusters/prod/connection').send(body).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await t.as(scopedAdmin.token).put('/api/v1/clusters/prod/connection').send(body).expect(403)).body.code).toBe('FORBIDDEN');
    await t.as(proposer.token).patch('/api/v1/clusters/prod/sync').send({ mode: 'heal' }).expect(403);
    await t.as(proposer.token).post('/api/v1/clusters/prod/sync/retry').expect(403);
    await t.as(scopedAdmin.token).get('/api/v1/clusters/prod/sync').expect(403);
    expect((await t.as(proposer.token).get('/api/v1/clusters/prod/sync').expect(200)).body).toMatchObject({ cluster: 'prod', mode: 'report' });
    const denied = await t.gql('mutation { updateSyncSettings(cluster: "prod", input: {mode: heal}) { mode } }', {}, proposer.token);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const invalid = await t.http.patch('/api/v1/clusters/prod/sync').send({ mode: 'fix-it' }).expect(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
  });

  it('needs a token to read, and 404s for an unknown cluster', async () => {
    await t.anonymous.get('/api/v1/clusters/prod/sync').expect(401);
    const missing = await t.http.put('/api/v1/clusters/nope/connection').send({ server: kube.url, caData: kube.caData, token: kube.adminToken }).expect(404);
    expect(missing.body.code).toBe('CLUSTER_NOT_FOUND');
    const none = await t.http.get('/api/v1/clusters/limited/connection').expect(404);
    expect(none.body.code).toBe('CONNECTION_NOT_FOUND');
  });
});
