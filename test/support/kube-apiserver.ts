import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../tools/embedded-postgres';

/**
 * A real kube-apiserver + etcd on 127.0.0.1 for the sync suites, found through KUBEBUILDER_ASSETS
 * (the envtest convention). TLS only, token authentication, RBAC.
 */
export interface KubeApiServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** The serving CA (PEM) that signs the API server's certificate. */
  caPem: string;
  /** The CA as base64, as a kubeconfig's certificate-authority-data. */
  caData: string;
  /** The serving certificate and key: a fault proxy in front of the server presents these too. */
  servingCertPem: string;
  servingKeyPem: string;
  /** Member of system:masters. */
  adminToken: string;
  /** Authenticated as user `limited`, which RBAC allows only get/list/watch on NetworkPolicies. */
  limitedToken: string;
  /** Version of the binary, e.g. v1.20.2. */
  version: string;
  /** Calls the API server as the admin (for arranging and asserting in tests). */
  kube<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>>;
  /** Stops both processes and removes their files. */
  stop(): Promise<void>;
}

export interface KubeResponse<T> {
  status: number;
  body: T;
}

const SKIP_MESSAGE =
  'sync suites skipped: no kube-apiserver/etcd binaries. Provide them with `KUBEBUILDER_ASSETS=$(scripts/kube-assets.sh) npm test` ' +
  '(a folder holding `kube-apiserver` and `etcd`; CI does this in .ci/run).';

/**
 * The folder holding the binaries, or null when the sync suites should be skipped. In CI the
 * binaries are mandatory: a missing folder fails instead of skipping.
 */
export function kubeAssets(): string | null {
  const dir = process.env['KUBEBUILDER_ASSETS'];
  const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
  const ok = dir !== undefined && dir !== '' && existsSync(join(dir, 'kube-apiserver')) && existsSync(join(dir, 'etcd'));
  if (ok) return dir;
  if (ci) {
    throw new Error(`CI requires the sync suites: KUBEBUILDER_ASSETS=${dir ?? '(unset)'} does not hold kube-apiserver and etcd`);
  }
  return null;
}

let warned = false;
/** `describe` when the binaries are available, otherwise `describe.skip` with a plain message once per file. */
export function describeWithKube(name: string, fn: () => void): void {
  if (kubeAssets()) {
    describe(name, fn);
    return;
  }
  if (!warned) {
    warned = true;
    process.stdout.write(`\n${SKIP_MESSAGE}\n`);
  }
  describe.skip(`${name} (${SKIP_MESSAGE})`, fn);
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, a serving certificate for 127.0.0.1/localhost, and a service-account key pair. */
function makePki(dir: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=palisade-test-ca']);
  writeFileSync(
    join(dir, 'serving.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'serving.key', '-out', 'serving.csr', '-subj', '/CN=127.0.0.1']);
  openssl(dir, ['x509', '-req', '-in', 'serving.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'serving.crt', '-days', '2', '-extfile', 'serving.ext']);
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function spawnLogged(bin: string, args: string[], log: string[]): ChildProcess {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer): void => {
    log.push(chunk.toString('utf8'));
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function call<T>(agent: Agent, url: string, token: string, method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      new URL(path, url),
      {
        method,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain-text answers (/readyz)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts etcd and kube-apiserver (temp dirs, free loopback ports) and waits for /readyz. */
export async function startKubeApiServer(): Promise<KubeApiServer> {
  const assets = kubeAssets();
  if (!assets) throw new Error(SKIP_MESSAGE);
  const dir = mkdtempSync(join(tmpdir(), 'palisade-kube-'));
  makePki(dir);
  const adminToken = randomBytes(24).toString('hex');
  const limitedToken = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n${limitedToken},limited,limited-uid\n`);

  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdLog: string[] = [];
  const apiLog: string[] = [];
  const etcd = spawnLogged(
    join(assets, 'etcd'),
    [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--log-level=warn',
    ],
    etcdLog,
  );
  const apiserver = spawnLogged(
    join(assets, 'kube-apiserver'),
    [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--insecure-port=0',
      `--cert-dir=${dir}`,
      `--tls-cert-file=${join(dir, 'serving.crt')}`,
      `--tls-private-key-file=${join(dir, 'serving.key')}`,
      `--client-ca-file=${join(dir, 'ca.crt')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://127.0.0.1/palisade-test',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      // No controller manager runs to create each namespace's `default` service account.
      '--disable-admission-plugins=ServiceAccount',
      '--enable-priority-and-fairness=false',
      '--v=0',
    ],
    apiLog,
  );

  const agent = new Agent({ ca: readFileSync(join(dir, 'ca.crt')), keepAlive: true, maxSockets: 16 });
  const url = `https://127.0.0.1:${apiPort}`;
  const kube = <T>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>> =>
    call<T>(agent, url, adminToken, method, path, body, contentType);
  const stop = async (): Promise<void> => {
    agent.destroy();
    await stopProcess(apiserver);
    await stopProcess(etcd);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const exited = (): boolean => apiserver.exitCode !== null || etcd.exitCode !== null;
    await waitUntil(
      async () => {
        if (exited()) throw new Error('exited');
        // The `default` namespace appears a moment after /readyz first answers.
        return (await kube('GET', '/readyz')).status === 200 && (await kube('GET', '/api/v1/namespaces/default')).status === 200;
      },
      90_000,
      () => `kube-apiserver /readyz (${exited() ? 'a process exited' : 'still starting'}):\n${etcdLog.join('').slice(-2000)}\n${apiLog.join('').slice(-4000)}`,
    );
    // The limited principal may read NetworkPolicies but not change them (permission-check tests).
    await kube('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'netpol-reader' },
      rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] }],
    });
    await kube('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'limited-netpol-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'netpol-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'limited' }],
    });
    const version = await kube<{ gitVersion: string }>('GET', '/version');
    const caPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
    return {
      url,
      caPem,
      caData: Buffer.from(caPem).toString('base64'),
      servingCertPem: readFileSync(join(dir, 'serving.crt'), 'utf8'),
      servingKeyPem: readFileSync(join(dir, 'serving.key'), 'utf8'),
      adminToken,
      limitedToken,
      version: version.body.gitVersion,
      kube,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
