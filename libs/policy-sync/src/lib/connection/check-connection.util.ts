import type { ClusterCapabilities } from '@palisade/persistence';

import { capabilitiesOf } from '../capabilities/cluster-capabilities.util';
import { KubeClient, type KubeClientOptions } from '../kube/kube-client';
import { KubeRequestError } from '../kube/kube-request.error';
import { PolicySyncErrorCode, PolicySyncException } from '../policy-sync.exception';
import { serverAddressProblem } from './cluster-address.util';
import type { ClusterCredentials } from './cluster-credentials.type';

export interface ConnectionCheck {
  serverVersion: string;
  capabilities: ClusterCapabilities;
}

interface Permission {
  group: string;
  resource: string;
  verb: string;
}

/** What the worker does with the credentials: apply, prune and watch policies; watch the inventory. */
export const REQUIRED_PERMISSIONS: readonly Permission[] = [
  ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map((verb) => ({ group: 'networking.k8s.io', resource: 'networkpolicies', verb })),
  ...['list', 'watch'].flatMap((verb) => [
    { group: '', resource: 'namespaces', verb },
    { group: '', resource: 'pods', verb },
    { group: 'apps', resource: 'replicasets', verb },
    { group: 'batch', resource: 'jobs', verb },
  ]),
];

const describe = (p: Permission): string => `${p.verb} ${p.resource}${p.group ? `.${p.group}` : ''}`;

/**
 * One message for every way of not getting an answer (refused, reset, timed out, TLS failures): which
 * of them happened is what a port scanner would want to know, and an administrator can find it with
 * kubectl against the same kubeconfig.
 */
function checkFailed(server: string, error: unknown): PolicySyncException {
  if (error instanceof KubeRequestError && (error.status === 401 || error.status === 403)) {
    return new PolicySyncException(PolicySyncErrorCode.CONNECTION_CHECK_FAILED, `the API server at ${server} refused the credentials (HTTP ${error.status})`);
  }
  if (error instanceof KubeRequestError && error.status !== undefined) {
    return new PolicySyncException(PolicySyncErrorCode.CONNECTION_CHECK_FAILED, `the server at ${server} answered HTTP ${error.status}, not as a Kubernetes API server`);
  }
  return new PolicySyncException(
    PolicySyncErrorCode.CONNECTION_CHECK_FAILED,
    `no Kubernetes API server answered at ${server} (the connection failed, timed out, or its TLS certificate was not trusted)`,
  );
}

/**
 * Checks credentials the way the worker will use them: the server answers /version, and a
 * SelfSubjectAccessReview per permission the worker needs (cluster-wide) is allowed.
 * Unless loopback addresses are allowed, a server on the service's own machine, a link-local network or
 * a metadata address is refused before any connection (CONNECTION_INVALID).
 * @throws PolicySyncException CONNECTION_INVALID, CONNECTION_CHECK_FAILED or CONNECTION_PERMISSIONS_MISSING
 */
export async function checkConnection(credentials: ClusterCredentials, options: KubeClientOptions & { allowLoopbackAddresses: boolean }): Promise<ConnectionCheck> {
  if (!options.allowLoopbackAddresses) {
    const problem = await serverAddressProblem(credentials.server);
    if (problem) throw new PolicySyncException(PolicySyncErrorCode.CONNECTION_INVALID, `invalid connection: ${problem}`, [{ path: 'server', message: problem }]);
  }
  const client = await KubeClient.connect(credentials, { ...options, maxSockets: 4 });
  try {
    let version: { gitVersion?: string };
    let apis: { groups?: { name: string }[] };
    try {
      version = await client.get<{ gitVersion?: string }>('/version');
      apis = await client.get<{ groups?: { name: string }[] }>('/apis');
    } catch (error) {
      throw checkFailed(credentials.server, error);
    }
    const reviews = await Promise.all(
      REQUIRED_PERMISSIONS.map(async (permission) => {
        try {
          const review = await client.post<{ status?: { allowed?: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: permission },
          });
          return { permission, allowed: review.status?.allowed === true };
        } catch (error) {
          throw checkFailed(credentials.server, error);
        }
      }),
    );
    const missing = reviews.filter((r) => !r.allowed).map((r) => r.permission);
    if (missing.length > 0) {
      throw new PolicySyncException(
        PolicySyncErrorCode.CONNECTION_PERMISSIONS_MISSING,
        `the credentials lack permissions the sync worker needs (in all namespaces): ${missing.map(describe).join(', ')}`,
        missing.map((p) => ({ path: `permissions.${p.resource}${p.group ? `.${p.group}` : ''}`, message: `${describe(p)} is not allowed` })),
      );
    }
    const serverVersion = version.gitVersion ?? 'unknown';
    return { serverVersion, capabilities: capabilitiesOf(serverVersion, (apis.groups ?? []).map((g) => g.name)) };
  } finally {
    client.close();
  }
}
