import { createHash } from 'node:crypto';

import fc from 'fast-check';
import { parse } from 'yaml';

import { canonicalJson } from '../canonical-json.util';
import { canonicalizeNetworkPolicy, hashNetworkPolicy, hashPolicySet } from '../canonical-policy.util';
import type { NetworkPolicy, NetworkPolicySpec } from '../network-policy.type';
import { parseNetworkPolicies } from '../parse-network-policies.util';
import { toYaml } from '../policy-to-yaml.util';
import { validateNetworkPolicy } from '../validate-network-policy.util';
import { readFixture } from './fixtures';
import { networkPolicyManifestArbitrary } from './network-policy.arbitrary';

const policy = (spec: NetworkPolicySpec, metadata: Partial<NetworkPolicy['metadata']> = {}): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'web', namespace: 'shop', ...metadata },
  spec,
});

function seedPolicies(): NetworkPolicy[] {
  const result = parseNetworkPolicies(readFixture('seed-policies.yaml'));
  if (!result.ok) throw new TypeError('seed fixture must parse');
  return result.policies;
}

/** Validates what the arbitrary produced; it only produces valid manifests. */
function valid(manifest: unknown): NetworkPolicy {
  const { policy: p, errors } = validateNetworkPolicy(manifest, { document: 1 });
  if (!p) throw new TypeError(JSON.stringify(errors));
  return p;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe(canonicalizeNetworkPolicy.name, () => {
  it.each<[string, NetworkPolicySpec, NetworkPolicySpec]>([
    ['absent policyTypes means Ingress', { podSelector: {} }, { podSelector: {}, policyTypes: ['Ingress'] }],
    [
      'absent policyTypes with egress rules means Ingress and Egress',
      { egress: [{}] },
      { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}] },
    ],
    [
      'an empty egress list does not imply Egress (the API server tests len(egress) != 0)',
      { podSelector: {}, egress: [] },
      { podSelector: {}, policyTypes: ['Ingress'] },
    ],
    ['an empty policyTypes list is defaulted like an absent one', { policyTypes: [], egress: [{}] }, { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}] }],
    ['explicit policyTypes are kept, not widened by rules', { policyTypes: ['Egress'], ingress: [{}] }, { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }],
    ['policyTypes are ordered Ingress, Egress', { policyTypes: ['Egress', 'Ingress'] }, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }],
    [
      'port protocol defaults to TCP',
      { ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 53 }, { port: 'http' }, { port: 8000, endPort: 8080 }] }] },
      {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8000, endPort: 8080 }] }],
      },
    ],
    [
      'empty matchLabels and matchExpressions are removed; an empty namespaceSelector (all namespaces) stays',
      { podSelector: { matchLabels: {}, matchExpressions: [] }, ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] },
      { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] },
    ],
    [
      'matchLabels keys are sorted; expression and value order is kept',
      { podSelector: { matchLabels: { tier: 'api', app: 'web' }, matchExpressions: [{ key: 'z', operator: 'In', values: ['b', 'a'] }, { key: 'a', operator: 'Exists', values: [] }] } },
      { podSelector: { matchLabels: { app: 'web', tier: 'api' }, matchExpressions: [{ key: 'z', operator: 'In', values: ['b', 'a'] }, { key: 'a', operator: 'Exists' }] }, policyTypes: ['Ingress'] },
    ],
    [
      'empty ingress, from, to, ports and except lists are removed (stored like absent ones)',
      { ingress: [], egress: [{ to: [], ports: [] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [] } }] }] },
      { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
    ],
    [
      'rule, peer and port order is kept',
      { ingress: [{ ports: [{ port: 2 }, { port: 1 }] }, { from: [{ ipBlock: { cidr: '2.0.0.0/8' } }, { ipBlock: { cidr: '1.0.0.0/8' } }] }] },
      {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: 2 }, { protocol: 'TCP', port: 1 }] }, { from: [{ ipBlock: { cidr: '2.0.0.0/8' } }, { ipBlock: { cidr: '1.0.0.0/8' } }] }],
      },
    ],
  ])('%s', (_reason, spec, expected) => {
    expect(canonicalizeNetworkPolicy(policy(spec)).spec).toEqual(expected);
  });

  it('sorts label and annotation keys and drops empty maps', () => {
    const canonical = canonicalizeNetworkPolicy(policy({}, { labels: { b: '1', a: '2' }, annotations: {} }));
    expect(canonical.metadata).toEqual({ name: 'web', namespace: 'shop', labels: { a: '2', b: '1' } });
    expect(Object.keys(canonical.metadata.labels ?? {})).toEqual(['a', 'b']);
  });

  it('copies only the typed fields', () => {
    const withExtras = { ...policy({}), status: {}, metadata: { name: 'web', namespace: 'shop', uid: 'x' } } as NetworkPolicy;
    expect(canonicalizeNetworkPolicy(withExtras)).toEqual(policy({ podSelector: {}, policyTypes: ['Ingress'] }));
  });

  it('is idempotent and does not modify its input', () => {
    fc.assert(
      fc.property(networkPolicyManifestArbitrary, (manifest) => {
        const p = valid(manifest);
        const before = structuredClone(p);
        const once = canonicalizeNetworkPolicy(p);
        expect(canonicalizeNetworkPolicy(once)).toEqual(once);
        expect(p).toEqual(before);
      }),
    );
  });
});

describe(canonicalJson.name, () => {
  it.each<[string, unknown, string]>([
    ['sorts keys at every depth', { b: 1, a: { d: [1, { f: 1, e: 2 }], c: null } }, '{"a":{"c":null,"d":[1,{"e":2,"f":1}]},"b":1}'],
    ['keeps array order', [3, 1, 2], '[3,1,2]'],
    ['omits undefined members like JSON.stringify', { a: undefined, b: 1 }, '{"b":1}'],
    ['sorts by code unit, not locale', { b: 1, B: 2, é: 3, a: 4 }, '{"B":2,"a":4,"b":1,"é":3}'],
    ['escapes strings like JSON', { 'k"': 'line\nbreak' }, '{"k\\"":"line\\nbreak"}'],
    ['renders scalars', 'x', '"x"'],
  ])('%s', (_reason, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});

describe(hashNetworkPolicy.name, () => {
  const spelledOut = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [], ports: [{ protocol: 'TCP', port: 80 }] }] });
  const terse = policy({ ingress: [{ ports: [{ port: 80 }] }] });

  it('is the same with defaults spelled out or left out', () => {
    expect(hashNetworkPolicy(spelledOut)).toBe(hashNetworkPolicy(terse));
  });

  it('is a SHA-256 of the canonical JSON', () => {
    expect(hashNetworkPolicy(terse)).toBe(sha256(canonicalJson(canonicalizeNetworkPolicy(terse))));
    expect(hashNetworkPolicy(terse)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, NetworkPolicy]>([
    ['another port', policy({ ingress: [{ ports: [{ port: 81 }] }] })],
    ['another protocol', policy({ ingress: [{ ports: [{ protocol: 'UDP', port: 80 }] }] })],
    ['Egress isolation added', policy({ policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 80 }] }] })],
    ['another namespace', policy({ ingress: [{ ports: [{ port: 80 }] }] }, { namespace: 'other' })],
    ['a label', policy({ ingress: [{ ports: [{ port: 80 }] }] }, { labels: { team: 'a' } })],
  ])('changes with %s', (_reason, other) => {
    expect(hashNetworkPolicy(other)).not.toBe(hashNetworkPolicy(terse));
  });

  it('is stable across releases (content addresses are stored)', () => {
    const [defaultDenyAll] = seedPolicies();
    expect(canonicalJson(canonicalizeNetworkPolicy(defaultDenyAll as NetworkPolicy))).toBe(
      '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"default-deny-all","namespace":"default"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}',
    );
    expect(hashNetworkPolicy(defaultDenyAll as NetworkPolicy)).toBe(
      sha256('{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"default-deny-all","namespace":"default"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}'),
    );
  });
});

describe(hashPolicySet.name, () => {
  it('is the same for the seed policies in another order and with defaults spelled out', () => {
    const seed = seedPolicies();
    const reordered = [...seed].reverse().map(canonicalizeNetworkPolicy);
    expect(hashPolicySet(reordered)).toBe(hashPolicySet(seed));
  });

  it('is the hash of sorted "key hash" lines', () => {
    const seed = seedPolicies();
    const lines = seed
      .map((p) => `default/${p.metadata.name} ${hashNetworkPolicy(p)}\n`)
      .sort()
      .join('');
    expect(hashPolicySet(seed)).toBe(sha256(lines));
    expect(hashPolicySet([])).toBe(sha256(''));
  });

  it.each<[string, (set: NetworkPolicy[]) => NetworkPolicy[]]>([
    ['a policy is removed', (set) => set.slice(1)],
    ['a policy is renamed', (set) => set.map((p, i) => (i === 0 ? { ...p, metadata: { ...p.metadata, name: 'renamed' } } : p))],
    ['a policy moves namespace', (set) => set.map((p, i) => (i === 0 ? { ...p, metadata: { ...p.metadata, namespace: 'prod' } } : p))],
  ])('changes when %s', (_reason, change) => {
    const seed = seedPolicies();
    expect(hashPolicySet(change(seed))).not.toBe(hashPolicySet(seed));
  });

  it('ignores order and spelled-out defaults for any policy set', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(networkPolicyManifestArbitrary, { maxLength: 5, selector: (m) => `${m.metadata.namespace}/${m.metadata.name}` }),
        fc.infiniteStream(fc.boolean()),
        (manifests, canonicalizeEach) => {
          const policies = manifests.map(valid);
          const variant = [...policies].reverse().map((p) => (canonicalizeEach.next().value ? canonicalizeNetworkPolicy(p) : p));
          expect(hashPolicySet(variant)).toBe(hashPolicySet(policies));
        },
      ),
    );
  });
});

describe(toYaml.name, () => {
  it('renders the canonical form, kubectl-style', () => {
    const [, ingressAccess] = seedPolicies();
    expect(toYaml(ingressAccess as NetworkPolicy)).toBe(
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: ingress-access',
        '  namespace: default',
        'spec:',
        '  podSelector:',
        '    matchLabels:',
        '      app.kubernetes.io/name: ingress-nginx',
        '  policyTypes:',
        '  - Ingress',
        '  ingress:',
        '  - from:',
        '    - ipBlock:',
        '        cidr: 192.168.1.0/24',
        '',
      ].join('\n'),
    );
  });

  it('quotes strings that a YAML 1.1 or 1.2 reader would take for something else', () => {
    const yaml = toYaml(policy({ podSelector: { matchLabels: { ingress: 'true', y: 'yes', v: '0755', e: '', o: '0o17', ok: 'web' } } }));
    expect(yaml).toContain(
      ['    matchLabels:', '      e: ""', '      ingress: "true"', '      o: "0o17"', '      ok: web', '      v: "0755"', '      "y": "yes"'].join('\n'),
    );
  });

  it('leaves word-like strings unquoted unless a YAML reader would resolve them', () => {
    const keywords = ['y', 'Yes', 'NO', 'on', 'Off', 'true', 'FALSE', 'null', 'e5', 'E-5'];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...keywords), fc.stringMatching(/^[A-Za-z][-A-Za-z0-9._]{0,5}$/)), (word) => {
        const yaml = toYaml(policy({ podSelector: { matchLabels: { app: word } } }));
        const quoted = yaml.includes(`app: "${word}"`);
        const readsBack = parse(`v: ${word}`, { version: '1.1' }).v === word && parse(`v: ${word}`).v === word;
        expect(quoted).toBe(!readsBack);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses back to the same canonical policy', () => {
    fc.assert(
      fc.property(networkPolicyManifestArbitrary, (manifest) => {
        const p = valid(manifest);
        const reparsed = parseNetworkPolicies(toYaml(p));
        expect(reparsed).toEqual({ ok: true, policies: [canonicalizeNetworkPolicy(p)] });
      }),
    );
  });

  it('is stable: rendering the re-parsed policy gives the same text', () => {
    for (const p of seedPolicies()) {
      const reparsed = parseNetworkPolicies(toYaml(p));
      expect(reparsed.ok && toYaml(reparsed.policies[0] as NetworkPolicy)).toBe(toYaml(p));
    }
  });
});
