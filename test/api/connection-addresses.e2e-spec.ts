import type { Client } from 'pg';

import { connectTo } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

/** A kubeconfig with one context naming `server`. */
function kubeconfig(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: c, cluster: {server: "${server}"}}]`,
    'users: [{name: u, user: {token: abc}}]',
    'contexts: [{name: c, context: {cluster: c, user: u}}]',
    'current-context: c',
  ].join('\n');
}

describe('cluster connections to the service machine, link-local and metadata addresses', () => {
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    t = await createTestApp({ PALISADE_ALLOW_LOOPBACK_ADDRESSES: 'false' });
    sql = await connectTo(t.db.url);
    await t.http.post('/api/v1/clusters').send({ name: 'prod' }).expect(201);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it.each([
    ['the PostgreSQL port on loopback', { server: 'https://127.0.0.1:5432', token: 'abc' }, '127.0.0.1'],
    ['a closed loopback port', { server: 'https://127.0.0.1:1', token: 'abc' }, '127.0.0.1'],
    ['IPv6 loopback', { server: 'https://[::1]:6443', token: 'abc' }, '::1'],
    ['the cloud metadata address', { server: 'https://169.254.169.254', token: 'abc' }, '169.254.169.254'],
    ['localhost', { server: 'https://localhost:39300', token: 'abc' }, 'localhost'],
    ['a kubeconfig naming loopback', { kubeconfig: kubeconfig('https://127.0.0.1:6443') }, '127.0.0.1'],
  ])('refuses %s with 400 CONNECTION_INVALID before connecting, and stores nothing', async (_what, body, host) => {
    const response = await t.http.put('/api/v1/clusters/prod/connection').send(body).expect(400);
    expect(response.body.code).toBe('CONNECTION_INVALID');
    expect(response.body.detail).toContain(`server host ${host}`);
    expect(response.body.detail).toContain('PALISADE_ALLOW_LOOPBACK_ADDRESSES=true');
    expect(response.body.detail).not.toMatch(/ECONN|EPROTO/);
    expect((await sql.query('SELECT 1 FROM cluster_connections')).rowCount).toBe(0);
  });

  it('lets a private address through to the connection check', async () => {
    // 10.255.255.1 is routable nowhere here: the check itself fails (no answer), not the address rule.
    const response = await t.http.put('/api/v1/clusters/prod/connection').send({ server: 'https://10.255.255.1:6443', token: 'abc' }).expect(400);
    expect(response.body.code).toBe('CONNECTION_CHECK_FAILED');
  });
});
