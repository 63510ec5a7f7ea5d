import { formatManifestError } from '../format-manifest-error.util';
import type { ManifestError } from '../manifest-error.type';
import type { NetworkPolicy } from '../network-policy.type';
import { parseNetworkPolicies } from '../parse-network-policies.util';
import { readFixture } from './fixtures';
import { manifest } from './network-policy.fixture';

function policiesOf(result: ReturnType<typeof parseNetworkPolicies>): NetworkPolicy[] {
  if (!result.ok) throw new TypeError(`expected ok, got ${result.errors.map(formatManifestError).join('; ')}`);
  return result.policies;
}

function errorsOf(result: ReturnType<typeof parseNetworkPolicies>): ManifestError[] {
  if (result.ok) throw new TypeError('expected errors');
  return result.errors;
}

describe(parseNetworkPolicies.name, () => {
  describe('the seed article', () => {
    it('parses its four working policies into the default namespace', () => {
      const policies = policiesOf(parseNetworkPolicies(readFixture('seed-policies.yaml'), { source: 'seed-policies.yaml' }));
      expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
        'default/default-deny-all',
        'default/ingress-access',
        'default/ingress-to-backends',
        'default/deny-egress-allow-dns',
      ]);
      expect(policies[0]).toEqual({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny-all', namespace: 'default' },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });
      expect(policies[2]?.spec.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { ingress: 'true' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
            },
          ],
        },
      ]);
      expect(policies[3]?.spec).toEqual({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kube-dns': 'true' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'TCP', port: 53 },
              { protocol: 'UDP', port: 53 },
            ],
          },
        ],
      });
    });

    it('parses the egress policy once its ports are indented correctly', () => {
      const [policy] = policiesOf(parseNetworkPolicies(readFixture('seed-fixed-egress.yaml')));
      expect(policy?.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '1.1.1.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
    });

    it('rejects the mis-indented egress policy with the line of "ports:"', () => {
      const errors = errorsOf(parseNetworkPolicies(readFixture('seed-broken-egress.yaml'), { source: 'seed-broken-egress.yaml' }));
      expect(errors.map(formatManifestError)).toEqual([
        'seed-broken-egress.yaml: document 1 (line 14): YAML syntax error: Sequence item without - indicator (check the indentation of this line)',
      ]);
    });

    it('rejects the whole article, good policies included, because of the last one', () => {
      const article = `${readFixture('seed-policies.yaml')}${readFixture('seed-broken-egress.yaml')}`;
      const seedLines = readFixture('seed-policies.yaml').split('\n').length - 1;
      const result = parseNetworkPolicies(article, { source: 'article.yaml' });
      expect(result).toEqual({
        ok: false,
        errors: [expect.objectContaining({ source: 'article.yaml', document: 5, line: seedLines + 14 })],
      });
    });
  });

  describe('errors carry document, line and path', () => {
    const text = [
      'apiVersion: v1', //                           1
      'kind: Service', //                            2
      'metadata: {name: web}', //                    3
      '---', //                                      4
      'apiVersion: networking.k8s.io/v1', //         5
      'kind: NetworkPolicy', //                      6
      'metadata:', //                                7
      '  name: allow-web', //                        8
      'spec:', //                                    9
      '  ingress:', //                               10
      '  - to:', //                                  11
      '    - podSelector: {}', //                    12
      '    ports:', //                               13
      '    - port: 80', //                           14
      '      protocl: TCP', //                       15
      '---', //                                      16
      '"just a string"', //                          17
    ].join('\n');

    it('reports other kinds, unknown fields and non-objects', () => {
      expect(errorsOf(parseNetworkPolicies(text, { source: 'p.yaml' }))).toEqual([
        { source: 'p.yaml', document: 1, line: 2, path: 'kind', message: 'unsupported kind "Service": only NetworkPolicy (networking.k8s.io/v1) is accepted here' },
        { source: 'p.yaml', document: 2, line: 11, path: 'spec.ingress[0].to', message: 'unknown field "to"' },
        { source: 'p.yaml', document: 2, line: 15, path: 'spec.ingress[0].ports[0].protocl', message: 'unknown field "protocl"' },
        { source: 'p.yaml', document: 3, line: 17, path: '', message: 'must be an object' },
      ]);
    });
  });

  describe('YAML pitfalls', () => {
    const header = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\n';

    it.each<[string, string, ManifestError[]]>([
      [
        'an unquoted yes is a boolean for kubectl, so it is not a label value',
        `${header}spec:\n  podSelector:\n    matchLabels:\n      ingress: yes\n`,
        [{ document: 1, line: 7, path: 'spec.podSelector.matchLabels[ingress]', message: 'must be a string' }],
      ],
      [
        'a !!set is not a selector (it would otherwise read as {} and select every pod)',
        `${header}spec:\n  podSelector: !!set {app}\n`,
        [{ document: 1, line: 5, path: 'spec.podSelector', message: 'must be an object' }],
      ],
      [
        'Windows line endings and a byte order mark do not shift lines',
        `\uFEFF${header}spec:\r\n  podSelector: {}\r\n  ingress:\r\n  - ports: [{port: 0}]\r\n`.replace(/\n/g, '\r\n').replace(/\r\r/g, '\r'),
        [{ document: 1, line: 7, path: 'spec.ingress[0].ports[0].port', message: 'invalid value 0: must be an integer between 1 and 65535' }],
      ],
    ])('%s', (_reason, text, errors) => {
      expect(parseNetworkPolicies(text)).toEqual({ ok: false, errors });
    });
  });

  describe('duplicates', () => {
    it('rejects a second policy with the same namespace/name, naming the first one’s document', () => {
      const text = [
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: default}\nspec: {}',
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: other}\nspec: {}',
        '# the namespace defaults to "default": same policy as document 1',
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec: {}',
      ].join('\n---\n');
      expect(errorsOf(parseNetworkPolicies(text))).toEqual([
        { document: 4, line: 16, path: 'metadata.name', message: 'duplicate NetworkPolicy default/web: already defined in document 1 (line 1)' },
      ]);
    });

    it('names List items in duplicate messages and prefixes their paths', () => {
      const list = { apiVersion: 'v1', kind: 'List', items: [manifest(), { ...manifest(), spec: { podSelector: { matchLabels: { app: 'a b' } } } }, manifest()] };
      expect(errorsOf(parseNetworkPolicies([list]))).toEqual([
        { document: 1, path: 'items[1].spec.podSelector.matchLabels[app]', message: expect.stringMatching(/^invalid value "a b": /) },
        { document: 1, path: 'items[2].metadata.name', message: 'duplicate NetworkPolicy shop/web: already defined in document 1 (items[0])' },
      ]);
    });
  });

  describe('parsed JSON input', () => {
    it('numbers documents by index, without lines', () => {
      const result = parseNetworkPolicies([manifest(), { ...manifest(), kind: 'Pod' }, null], { source: 'request body' });
      expect(errorsOf(result)).toEqual([
        { source: 'request body', document: 2, path: 'kind', message: 'unsupported kind "Pod": only NetworkPolicy (networking.k8s.io/v1) is accepted here' },
        { source: 'request body', document: 3, path: '', message: 'must be an object' },
      ]);
    });

    it('accepts policies, Lists and the default namespace option', () => {
      const noNamespace = manifest(undefined, { namespace: undefined, name: 'a' });
      const result = parseNetworkPolicies([noNamespace, { kind: 'List', apiVersion: 'v1', items: [manifest()] }], { defaultNamespace: 'payments' });
      expect(policiesOf(result).map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['payments/a', 'shop/web']);
    });

    it('accepts an empty set', () => {
      expect(parseNetworkPolicies([])).toEqual({ ok: true, policies: [] });
      expect(parseNetworkPolicies('')).toEqual({ ok: true, policies: [] });
    });
  });
});
