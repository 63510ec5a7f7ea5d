import type { ClusterSyncStateRecord } from '@palisade/persistence';

import { capabilitiesOf, parseServerVersion, unsupportedFields } from '../capabilities/cluster-capabilities.util';
import { errorFromResponse, errorFromTransport } from '../kube/kube-request.error';
import { backoffDelay } from '../sync/backoff.util';
import { effectiveStatus } from '../sync/sync-status.view';

describe(backoffDelay.name, () => {
  const policy = { baseMs: 1000, maxMs: 30_000 };
  it.each([
    // half fixed, half random: attempt 1 waits 0.5-1 s
    [1, 0, 500],
    [1, 1, 1000],
    // doubles per attempt
    [3, 0.5, 3000],
    // capped
    [10, 1, 30_000],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, () => random)).toBe(expected);
  });
});

describe('classifying Kubernetes failures', () => {
  it.each([
    [400, {}, 'rejected'],
    [403, {}, 'rejected'],
    [404, {}, 'rejected'],
    [422, {}, 'rejected'],
    [409, { details: { causes: [{ reason: 'FieldManagerConflict', field: '.spec', message: 'conflict with "x"' }] } }, 'conflict'],
    [409, { reason: 'Conflict' }, 'transient'],
    [429, {}, 'transient'],
    [500, {}, 'transient'],
    [503, {}, 'transient'],
    // a schema a 1.20 server lacks is not going to appear on retry
    [500, { message: 'failed to create typed patch object: .spec.egress[0].ports[0].endPort: field not declared in schema' }, 'rejected'],
  ])('HTTP %i %j is %s', (status, body, kind) => {
    expect(errorFromResponse('PATCH', '/x', status, body, {}).kind).toBe(kind);
  });

  it('reads Retry-After and treats transport errors as transient', () => {
    expect(errorFromResponse('GET', '/x', 429, {}, { 'retry-after': '2' }).options.retryAfterMs).toBe(2000);
    expect(errorFromTransport('GET', '/x', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind).toBe('transient');
  });
});

describe(capabilitiesOf.name, () => {
  it.each([
    ['v1.20.2', false],
    ['v1.21.14', false], // alpha, off by default: the server would drop the field
    ['v1.22.0', true],
    ['v1.29.3-gke.1', true],
    ['garbage', false],
  ])('endPort on %s: %s', (version, endPort) => {
    expect(capabilitiesOf(version, []).endPort).toBe(endPort);
  });

  it('parses versions and names each unsupported field', () => {
    expect(parseServerVersion('v1.20.2')).toEqual({ major: 1, minor: 20 });
    const sut = unsupportedFields(
      [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { namespace: 'a', name: 'b' },
          spec: { ingress: [{ ports: [{ port: 80 }, { port: 8000, endPort: 8080 }] }] },
        },
      ],
      { endPort: false, adminNetworkPolicy: false },
      'v1.20.2',
    );
    expect(sut).toEqual([{ policy: 'a/b', path: 'spec.ingress[0].ports[1].endPort', reason: 'endPort needs Kubernetes 1.22 or later; the cluster runs v1.20.2' }]);
  });
});

describe(effectiveStatus.name, () => {
  const state = (patch: Partial<ClusterSyncStateRecord>): ClusterSyncStateRecord => ({ status: 'IN_SYNC', appliedVersion: 1, failedVersion: null, ...patch }) as ClusterSyncStateRecord;
  it.each([
    // nothing to apply
    [null, null, 'IN_SYNC'],
    // a version but no worker has looked yet
    [1, null, 'PENDING'],
    // applied and steady
    [1, state({}), 'IN_SYNC'],
    // a newer version arrived since
    [2, state({}), 'PENDING'],
    [2, state({ status: 'DRIFTED' }), 'PENDING'],
    // being applied, or retried
    [2, state({ status: 'SYNCING' }), 'SYNCING'],
    [2, state({ status: 'UNREACHABLE' }), 'UNREACHABLE'],
    // a refusal holds for the version refused only
    [2, state({ status: 'FAILED', failedVersion: 2 }), 'FAILED'],
    [3, state({ status: 'FAILED', failedVersion: 2 }), 'PENDING'],
  ])('desired %s with %j reads %s', (desired, s, expected) => {
    expect(effectiveStatus(desired, s)).toBe(expected);
  });
});
