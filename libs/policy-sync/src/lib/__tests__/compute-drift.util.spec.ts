import { computeDrift, isHealable } from '../sync/compute-drift.util';
import { type DesiredPolicy, type LivePolicy, toDesiredPolicy, toLivePolicy } from '../sync/managed-policy.util';

const spec = { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] };
const desired = (name: string, extra: Record<string, unknown> = {}): DesiredPolicy =>
  toDesiredPolicy({ namespace: 'shop', name, hash: 'x', manifest: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'shop', name, ...extra }, spec } });
const live = (name: string, options: { labels?: Record<string, string>; spec?: unknown } = {}): LivePolicy =>
  toLivePolicy({
    metadata: { namespace: 'shop', name, uid: `uid-${name}`, labels: options.labels ?? { 'app.kubernetes.io/managed-by': 'palisade', 'palisade.io/cluster': 'prod' } },
    // As the API server returns it: defaults spelled out.
    spec: options.spec ?? { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 80 }] }] },
  });
const byKey = <T extends { key: string }>(...items: T[]): Map<string, T> => new Map(items.map((i) => [i.key, i]));

describe(computeDrift.name, () => {
  it.each([
    // a live object equal in meaning (defaults spelled out) is no drift
    ['nothing', byKey(desired('web')), byKey(live('web')), []],
    // deleted by hand
    ['a deletion', byKey(desired('web')), byKey<LivePolicy>(), ['DELETED shop/web']],
    // edited by hand
    ['an edit', byKey(desired('web')), byKey(live('web', { spec: { podSelector: {}, ingress: [{}] } })), ['MODIFIED shop/web']],
    // our label removed: Palisade no longer manages it
    ['a removed label', byKey(desired('web')), byKey(live('web', { labels: {} })), ['MODIFIED shop/web']],
    // someone else's policy changes connectivity too
    ['an unmanaged policy', byKey<DesiredPolicy>(), byKey(live('extra', { labels: {} })), ['UNMANAGED shop/extra']],
    // labelled as ours but not in the version
    ['a stray managed policy', byKey<DesiredPolicy>(), byKey(live('stray')), ['UNEXPECTED shop/stray']],
    // managed by Palisade for another registered cluster on the same API server: not ours to report
    ['another registration', byKey<DesiredPolicy>(), byKey(live('theirs', { labels: { 'app.kubernetes.io/managed-by': 'palisade', 'palisade.io/cluster': 'dev' } })), []],
    // a label the version sets, changed by hand
    ['a changed label', byKey(desired('web', { labels: { team: 'a' } })), byKey(live('web', { labels: { 'app.kubernetes.io/managed-by': 'palisade', 'palisade.io/cluster': 'prod', team: 'b' } })), ['MODIFIED shop/web']],
  ])('given %s', (_case, want, have, expected) => {
    const sut = computeDrift(want, have, 3, 'prod');
    expect(sut.map((d) => `${d.kind} ${d.namespace}/${d.name}`)).toEqual(expected);
  });

  it('names the version in the reason and treats only unmanaged policies as unhealable', () => {
    const sut = computeDrift(byKey(desired('web')), byKey(live('web', { spec: {} }), live('extra', { labels: {} })), 7, 'prod');
    expect(sut).toEqual([
      { namespace: 'shop', name: 'extra', kind: 'UNMANAGED', reason: 'not managed by Palisade' },
      { namespace: 'shop', name: 'web', kind: 'MODIFIED', reason: 'spec differs from version 7' },
    ]);
    expect(sut.map(isHealable)).toEqual([false, true]);
  });
});
