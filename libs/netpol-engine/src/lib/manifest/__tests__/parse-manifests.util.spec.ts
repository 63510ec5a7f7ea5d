import { ManifestRegistry } from '../manifest-registry.util';
import { parseManifests } from '../parse-manifests.util';
import { readFixture } from './fixtures';
import { manifest } from './network-policy.fixture';

const deployment = (spec: Record<string, unknown>, kind = 'Deployment', apiVersion = 'apps/v1') => ({
  apiVersion,
  kind,
  metadata: { name: 'web', namespace: 'shop' },
  spec,
});
const podSpec = (ports: unknown[] = []) => ({ containers: [{ name: 'c', image: 'x', ports }] });

describe(parseManifests.name, () => {
  it('reads the seed cluster: namespaces, workloads, pods and policies; other kinds are ignored', () => {
    const result = parseManifests(readFixture('seed-cluster.yaml'), { source: 'seed-cluster.yaml' });
    expect(result.policyLocations.map(({ lineOf, ...location }) => [location, lineOf(['spec', 'policyTypes'])])).toEqual([[{ source: 'seed-cluster.yaml', document: 9, line: 127 }, 133]]);
    expect(result).toEqual({
      errors: [],
      policyLocations: [expect.anything()],
      skipped: [
        { source: 'seed-cluster.yaml', document: 7, line: 109, kind: 'Service', reason: 'kind-not-used' },
        { source: 'seed-cluster.yaml', document: 8, line: 120, kind: 'projectcalico.org/v3 NetworkPolicy', reason: 'kind-not-used' },
      ],
      namespaces: [
        { name: 'ingress-nginx', labels: { ingress: 'true', 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        { name: 'kube-system', labels: { 'kube-dns': 'true', 'kubernetes.io/metadata.name': 'kube-system' } },
      ],
      workloads: [
        {
          kind: 'Deployment',
          namespace: 'ingress-nginx',
          name: 'ingress-nginx-controller',
          replicas: 2,
          templateLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
          ports: [
            { name: 'http', port: 80, protocol: 'TCP' },
            { name: 'https', port: 443, protocol: 'TCP' },
          ],
        },
        { kind: 'Deployment', namespace: 'default', name: 'myapp', replicas: 1, templateLabels: { app: 'myapp' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
        { kind: 'CronJob', namespace: 'default', name: 'report', replicas: 3, templateLabels: { app: 'report' }, ports: [] },
      ],
      pods: [
        {
          namespace: 'kube-system',
          name: 'coredns-5d78c9869d-abcde',
          labels: { 'k8s-app': 'kube-dns' },
          ip: '10.244.0.3',
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
            { name: 'metrics', port: 9153, protocol: 'TCP' },
          ],
          ownerKind: 'ReplicaSet',
          ownerName: 'coredns-5d78c9869d',
        },
      ],
      policies: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'default-deny-all', namespace: 'default' },
          spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
        },
      ],
    });
  });

  it.each<[string, Record<string, unknown>, number]>([
    ['StatefulSet replicas', deployment({ replicas: 3, template: { spec: podSpec() } }, 'StatefulSet'), 3],
    ['ReplicaSet replicas', deployment({ replicas: 0, template: { spec: podSpec() } }, 'ReplicaSet'), 0],
    ['DaemonSet: one per node, nodes unknown', deployment({ template: { spec: podSpec() } }, 'DaemonSet'), 1],
    ['Job parallelism', deployment({ parallelism: 4, template: { spec: podSpec() } }, 'Job', 'batch/v1'), 4],
    ['Job parallelism defaults to 1', deployment({ template: { spec: podSpec() } }, 'Job', 'batch/v1'), 1],
  ])('reads %s', (_reason, value, replicas) => {
    const { workloads, errors } = parseManifests([value]);
    expect(errors).toEqual([]);
    expect(workloads).toEqual([{ kind: value['kind'], namespace: 'shop', name: 'web', replicas, templateLabels: {}, ports: [] }]);
  });

  it.each<[string, unknown, string, unknown]>([
    ['a manifest needs a kind', { apiVersion: 'v1', metadata: { name: 'x' } }, 'kind', 'is required'],
    ['a document must be an object', 42, '', 'must be an object (a Kubernetes manifest)'],
    ['a known kind needs an apiVersion', { kind: 'Pod', metadata: { name: 'x' }, spec: podSpec() }, 'apiVersion', 'is required'],
    ['a pod needs a name', { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: podSpec() }, 'metadata.name', 'is required'],
    ['a pod needs containers', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }, 'spec.containers', 'is required'],
    ['container ports need containerPort', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec([{ name: 'http' }]) }, 'spec.containers[0].ports[0].containerPort', 'is required'],
    ['containerPort is a port number', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec([{ containerPort: 0 }]) }, 'spec.containers[0].ports[0].containerPort', 'invalid value 0: must be an integer between 1 and 65535'],
    ['container port protocols are TCP, UDP or SCTP', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec([{ containerPort: 1, protocol: 'udp' }]) }, 'spec.containers[0].ports[0].protocol', 'unsupported value "udp": must be one of "TCP", "UDP", "SCTP"'],
    ['pod IPs are IP addresses', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec(), status: { podIP: '10.0.0' } }, 'status.podIP', 'invalid value "10.0.0": must be a valid IP address'],
    ['labels are strings', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { a: 1 } } }, 'metadata.labels[a]', 'must be a string'],
    ['namespace names are DNS labels', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'My_NS' } }, 'metadata.name', expect.stringMatching(/^invalid value "My_NS": a lowercase RFC 1123 label/)],
    ['a workload needs a pod template', deployment({ replicas: 1 }), 'spec.template', 'is required'],
    ['a CronJob template is under jobTemplate.spec', deployment({ template: { spec: podSpec() } }, 'CronJob', 'batch/v1'), 'spec.jobTemplate', 'is required'],
    ['replicas is a non-negative integer', deployment({ replicas: -1, template: { spec: podSpec() } }), 'spec.replicas', 'invalid value -1: must be a non-negative integer'],
    ['NetworkPolicies are validated strictly', manifest({ podSelector: {}, ingres: [] }), 'spec.ingres', 'unknown field "ingres"'],
    ['extensions/v1beta1 NetworkPolicies are reported, not skipped', { ...manifest(), apiVersion: 'extensions/v1beta1' }, 'apiVersion', 'unsupported value "extensions/v1beta1": must be "networking.k8s.io/v1"'],
  ])('reports: %s', (_reason, value, path, message) => {
    expect(parseManifests([value]).errors).toEqual([{ document: 1, path, message }]);
  });

  it('reads the controller ownerReference of a workload, ignoring owners that are not the controller', () => {
    const ref = (kind: string, name: string, controller?: boolean) => ({ apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, ...(controller === undefined ? {} : { controller, blockOwnerDeletion: true }) });
    const rs = (name: string, ownerReferences: unknown[]) => ({ ...deployment({ replicas: 1, template: { spec: podSpec() } }, 'ReplicaSet'), metadata: { name, namespace: 'shop', ownerReferences } });
    const { workloads, errors } = parseManifests([rs('web-5d8f7c9b4', [ref('Deployment', 'web', true)]), rs('other', [ref('Rollout', 'x', false), ref('Deployment', 'y')]), rs('bad', [{ controller: true, name: 'z' }])]);
    expect(workloads.map((w) => [w.name, w.ownerKind, w.ownerName])).toEqual([
      ['web-5d8f7c9b4', 'Deployment', 'web'],
      ['other', undefined, undefined],
      ['bad', undefined, undefined],
    ]);
    expect(errors).toEqual([{ document: 3, path: 'metadata.ownerReferences[0].kind', message: 'is required' }]);
  });

  it('keeps the valid objects next to the errors of others, and reports duplicates', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const result = parseManifests([ns, { ...ns, metadata: { name: 'shop', labels: { a: 'b' } } }, manifest(), { kind: 'Pod' }]);
    expect(result.namespaces).toEqual([{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } }]);
    expect(result.policies).toHaveLength(1);
    expect(result.errors).toEqual([
      { document: 2, path: 'metadata.name', message: 'duplicate Namespace shop: already defined in document 1' },
      { document: 4, path: 'apiVersion', message: 'is required' },
    ]);
  });

  it('reports an object already read from another source, naming its source, document, List item and line', () => {
    const seen = new ManifestRegistry();
    const first = ['apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: Namespace', '  metadata: {name: shop}'].join('\n');
    expect(parseManifests(first, { source: 'a.yaml', seen }).errors).toEqual([]);
    const again = parseManifests('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n', { source: 'b.yaml', seen });
    expect(again.namespaces).toEqual([]);
    expect(again.errors).toEqual([
      { source: 'b.yaml', document: 1, line: 4, path: 'metadata.name', message: 'duplicate Namespace shop: already defined in a.yaml: document 1 (items[0]) (line 4)' },
    ]);
    // Without a shared registry each source stands alone.
    expect(parseManifests('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n', { source: 'b.yaml' }).errors).toEqual([]);
  });

  it('expands Lists, with item paths and lines', () => {
    const text = ['apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: Pod', '  metadata: {name: p}', '  spec: {containers: [{name: c, ports: [{containerPort: 99999}]}]}'].join('\n');
    expect(parseManifests(text).errors).toEqual([
      { document: 1, line: 7, path: 'items[0].spec.containers[0].ports[0].containerPort', message: 'invalid value 99999: must be an integer between 1 and 65535' },
    ]);
  });

  it('ignores the namespaces’ own namespace field and overrides a forged metadata.name label', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'kubernetes.io/metadata.name': 'b' } } };
    expect(parseManifests([ns]).namespaces).toEqual([{ name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } }]);
  });

  it('uses defaultNamespace for namespaced objects without one', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec([{ containerPort: 80 }]) };
    expect(parseManifests([pod], { defaultNamespace: 'shop' }).pods).toEqual([
      { namespace: 'shop', name: 'p', labels: {}, ports: [{ port: 80, protocol: 'TCP' }] },
    ]);
  });

  it.each<[string, string, boolean]>([
    ['a Helm values.yaml', 'replicaCount: 2\nimage: {repository: nginx}\n', true],
    ['a list', '- a\n- b\n', true],
    ['a scalar', 'just text\n', true],
    ['a map with apiVersion but no kind is meant as a manifest', 'apiVersion: v1\nmetadata: {name: x}\n', false],
  ])('with skipNonManifests, skips %s', (_reason, text, skipped) => {
    const sut = parseManifests(text, { source: 'values.yaml', skipNonManifests: true });
    expect(sut.skipped).toEqual(skipped ? [{ source: 'values.yaml', document: 1, line: 1, reason: 'not-a-manifest' }] : []);
    expect(sut.errors).toEqual(skipped ? [] : [{ source: 'values.yaml', document: 1, line: 1, path: 'kind', message: 'is required' }]);
    // Without it (the API's uploads), a document that is no manifest stays an error.
    expect(parseManifests(text).errors).toHaveLength(1);
  });
});
