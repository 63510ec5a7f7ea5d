import { randomBytes } from 'node:crypto';

import { parseSecretKey } from '@palisade/shared-types';

import { ConnectionCipher, CredentialsUnreadableError } from '../connection/connection-cipher';
import { serverAddressProblem } from '../connection/cluster-address.util';
import { parseConnectionInput } from '../connection/parse-connection-input.util';
import { PolicySyncException } from '../policy-sync.exception';

describe(ConnectionCipher.name, () => {
  const sut = new ConnectionCipher(randomBytes(32));

  it('round-trips, with a fresh IV every time and nothing readable in the output', () => {
    const secret = Buffer.from('{"token":"very-secret-token"}');
    const a = sut.encrypt(secret, 'cluster-1');
    const b = sut.encrypt(secret, 'cluster-1');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('very-secret-token'))).toBe(false);
    expect(sut.decrypt(a, 'cluster-1').equals(secret)).toBe(true);
  });

  it.each([
    ['another cluster id', (sealed: Buffer) => sut.decrypt(sealed, 'cluster-2')],
    ['another key', (sealed: Buffer) => new ConnectionCipher(randomBytes(32)).decrypt(sealed, 'cluster-1')],
    ['a flipped byte', (sealed: Buffer) => sut.decrypt(Buffer.concat([sealed.subarray(0, -1), Buffer.from([sealed.at(-1)! ^ 1])]), 'cluster-1')],
  ])('refuses to decrypt with %s', (_case, open) => {
    expect(() => open(sut.encrypt(Buffer.from('x'), 'cluster-1'))).toThrow(CredentialsUnreadableError);
  });
});

describe(parseSecretKey.name, () => {
  it.each([
    ['hex', 'ab'.repeat(32), true],
    ['base64', randomBytes(32).toString('base64'), true],
    ['base64 without padding', randomBytes(32).toString('base64').replace(/=$/, ''), true],
    ['base64url', randomBytes(32).toString('base64url'), true],
    ['16 bytes', randomBytes(16).toString('base64'), false],
    ['a passphrase', 'correct horse battery staple', false],
  ])('%s', (_case, text, ok) => {
    expect(parseSecretKey(text)?.length === 32).toBe(ok);
  });
});

describe(parseConnectionInput.name, () => {
  const ca = Buffer.from('not a certificate').toString('base64');

  it('keeps server and token and trims a trailing slash', () => {
    expect(parseConnectionInput({ server: 'https://10.0.0.1:6443/', token: 'abc' })).toEqual({ server: 'https://10.0.0.1:6443', token: 'abc' });
  });

  it.each([
    ['neither form', {}, ''],
    ['a non-https server', { server: 'http://10.0.0.1', token: 'x' }, 'server'],
    ['a token with spaces', { server: 'https://10.0.0.1', token: 'a b' }, 'token'],
    ['caData that is not PEM', { server: 'https://10.0.0.1', token: 'x', caData: ca }, 'caData'],
    ['credentials in the URL', { server: 'https://u:p@10.0.0.1', token: 'x' }, 'server'],
    ['a kubeconfig that is not a string', { kubeconfig: { clusters: [] } }, 'kubeconfig'],
    ['an auth provider', { kubeconfig: 'contexts: [{name: c, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {auth-provider: {name: oidc}}}]' }, 'kubeconfig.users[0].user.auth-provider'],
    ['insecure-skip-tls-verify', { kubeconfig: 'contexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://x", insecure-skip-tls-verify: true}}]' }, 'kubeconfig.clusters[0].cluster.insecure-skip-tls-verify'],
    [
      'exec hidden under a YAML merge key',
      { kubeconfig: 'contexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://10.0.0.1"}}]\nusers: [{name: u, user: {token: t, <<: {exec: {command: /bin/sh, apiVersion: client.authentication.k8s.io/v1}}}}]' },
      'kubeconfig.users[0].user.exec',
    ],
    [
      'a file path hidden under a merge key from an anchor',
      { kubeconfig: 'x: &files {client-certificate: /etc/palisade/key.pem}\ncontexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://10.0.0.1"}}]\nusers: [{name: u, user: {token: t, <<: *files}}]' },
      'kubeconfig.users[0].user.client-certificate',
    ],
    ['a context naming a missing user', { kubeconfig: 'contexts: [{name: c, context: {cluster: c, user: nobody}}]\nclusters: [{name: c, cluster: {server: "https://x"}}]\nusers: []' }, 'kubeconfig.contexts[0].context.user'],
  ])('rejects %s, naming %s', (_case, input, path) => {
    let error: unknown;
    try {
      parseConnectionInput(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicySyncException);
    expect((error as PolicySyncException).details.map((d) => d.path)).toContain(path);
  });
});

describe(serverAddressProblem.name, () => {
  it.each([
    ['https://127.0.0.1:1', 'server host 127.0.0.1 is a loopback'],
    ['https://127.0.0.1:5432', 'server host 127.0.0.1 is a loopback'],
    ['https://[::1]:6443', 'server host ::1 is a loopback'],
    ['https://169.254.169.254', 'server host 169.254.169.254 is a loopback, link-local or metadata address'],
    ['https://[fe80::1]:6443', 'server host fe80::1 is a loopback'],
    ['https://0.0.0.0:6443', 'server host 0.0.0.0 is a loopback'],
    ['https://localhost:6443', 'server host localhost is a loopback'],
    ['https://metadata.google.internal', 'server host metadata.google.internal is a loopback'],
    ['https://[::ffff:127.0.0.1]:443', 'is a loopback'],
  ])('refuses %s', async (server, message) => {
    expect(await serverAddressProblem(server)).toContain(message);
  });

  it.each(['https://10.0.0.1:6443', 'https://172.16.3.4', 'https://192.168.1.10:6443', 'https://[fd12::1]:6443', 'https://203.0.113.7'])(
    'allows private and public addresses: %s',
    async (server) => {
      expect(await serverAddressProblem(server)).toBeNull();
    },
  );
});
