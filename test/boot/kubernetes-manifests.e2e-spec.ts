import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { checkConnection, REQUIRED_PERMISSIONS } from '../../libs/policy-sync/src/lib/connection/check-connection.util';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';

// deploy/kubernetes, as `kubectl apply -k` sends it, against the real kube-apiserver the sync suites use.
const root = join(__dirname, '..', '..');
const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

describeWithKube('deploy/kubernetes on a real kube-apiserver', () => {
  let kube: KubeApiServer;
  let dir: string;
  let objects: KubeObject[];
  const kubectl = (args: string[], input?: string): { status: number | null; stdout: string; stderr: string } => {
    const result = spawnSync(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), ...args], { cwd: root, input, encoding: 'utf8', timeout: 120_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(async () => {
    kube = await startKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'palisade-kubectl-'));
    writeFileSync(
      join(dir, 'kubeconfig'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server: kube.url, 'certificate-authority-data': kube.caData } }],
        users: [{ name: 'admin', user: { token: kube.adminToken } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
        'current-context': 'test',
      }),
    );
    const built = kubectl(['kustomize', 'deploy/kubernetes']);
    expect(built.status, built.stderr).toBe(0);
    objects = parseAllDocuments(built.stdout).map((doc) => doc.toJS() as KubeObject);
  });
  afterAll(async () => {
    await kube?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the API server accepts every object (kubectl apply --dry-run=server -k)', () => {
    // A server-side dry run creates nothing, so the namespace the other objects go to must exist first.
    const namespace = kubectl(['apply', '-f', '-'], JSON.stringify(objects.find((o) => o.kind === 'Namespace')));
    expect(namespace.status, namespace.stderr).toBe(0);
    const result = kubectl(['apply', '--dry-run=server', '-k', 'deploy/kubernetes']);
    expect(result.status, result.stderr).toBe(0);
    const applied = result.stdout.trim().split('\n').sort();
    expect(applied).toEqual(
      [
        'clusterrole.rbac.authorization.k8s.io/palisade-sync-worker created (server dry run)',
        'clusterrolebinding.rbac.authorization.k8s.io/palisade-sync-worker created (server dry run)',
        'deployment.apps/palisade-api created (server dry run)',
        'deployment.apps/palisade-sync-worker created (server dry run)',
        'job.batch/palisade-db-migrate created (server dry run)',
        'namespace/palisade unchanged (server dry run)',
        'networkpolicy.networking.k8s.io/palisade created (server dry run)',
        'networkpolicy.networking.k8s.io/palisade-api created (server dry run)',
        'networkpolicy.networking.k8s.io/palisade-sync-worker created (server dry run)',
        'service/palisade-api created (server dry run)',
        'serviceaccount/palisade-sync-worker created (server dry run)',
      ].sort(),
    );
  });

  it("the worker's ClusterRole grants exactly what the connection check asks for, and creating SelfSubjectAccessReviews", () => {
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'palisade-sync-worker');
    const granted = (role?.rules ?? []).flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${resource}.${group}`))));
    const wanted = [...REQUIRED_PERMISSIONS.map((p) => `${p.verb} ${p.resource}.${p.group}`), 'create selfsubjectaccessreviews.authorization.k8s.io'];
    expect(granted.sort()).toEqual(wanted.sort());
  });

  it("the connection check accepts a token of the worker's ServiceAccount once its RBAC is applied", async () => {
    const rbac = objects.filter((o) => ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
    expect(rbac).toHaveLength(3);
    const applied = kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: rbac }));
    expect(applied.status, applied.stderr).toBe(0);
    const tokenOf = async (serviceAccount: string): Promise<string> => {
      const response = await kube.kube<{ status: { token: string } }>('POST', `/api/v1/namespaces/palisade/serviceaccounts/${serviceAccount}/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.status.token;
    };
    const options = { allowLoopbackAddresses: true, requestTimeoutMs: 10_000, userAgent: 'palisade-test' };
    const check = await checkConnection({ server: kube.url, caData: kube.caData, token: await tokenOf('palisade-sync-worker') }, options);
    expect(check.serverVersion).toBe(kube.version);

    // The same check refuses a ServiceAccount without that RBAC: the manifests' grant is what made the difference.
    const other = kubectl(['create', 'serviceaccount', '-n', 'palisade', 'unprivileged']);
    expect(other.status, other.stderr).toBe(0);
    await expect(checkConnection({ server: kube.url, caData: kube.caData, token: await tokenOf('unprivileged') }, options)).rejects.toMatchObject({
      code: 'CONNECTION_PERMISSIONS_MISSING',
    });
  });
});
