import fc from 'fast-check';

// Valid NetworkPolicy manifests for property tests, biased towards the representational noise
// canonicalisation must absorb (optional defaults, empty lists and maps) and towards strings a
// YAML reader could mistake for other types.

const opts = { noNullPrototype: true } as const;

const yamlLookalikes = ['', 'yes', 'No', 'on', 'y', 'true', 'null', 'NULL', '0755', '1e3', '1_000', '0x1F', '1.10', '0o17', '08'];
const labelValue = fc.oneof(fc.constantFrom(...yamlLookalikes), fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?$/));
const labelKey = fc.oneof(
  fc.constantFrom('app', 'app.kubernetes.io/name', 'kubernetes.io/metadata.name', 'y', 'on', 'tier'),
  fc.stringMatching(/^([a-z0-9]{1,5}\.io\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,6}[A-Za-z0-9])?$/),
);
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3, ...opts });

const requirement = fc.oneof(
  fc.record({ key: labelKey, operator: fc.constantFrom('In', 'NotIn'), values: fc.array(labelValue, { minLength: 1, maxLength: 3 }) }, opts),
  fc.record(
    { key: labelKey, operator: fc.constantFrom('Exists', 'DoesNotExist'), values: fc.constant([]) },
    { requiredKeys: ['key', 'operator'], ...opts },
  ),
);
const selector = fc.record(
  { matchLabels: labels, matchExpressions: fc.array(requirement, { maxLength: 2 }) },
  { requiredKeys: [], ...opts },
);

const ipBlock = fc.constantFrom(
  { cidr: '1.1.1.1/32' },
  { cidr: '10.0.0.1/8', except: ['10.1.0.0/16', '10.2.3.4/24'] },
  { cidr: '0.0.0.0/0', except: [] },
  { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] },
);
const peer = fc.oneof(
  fc.record({ podSelector: selector, namespaceSelector: selector }, { requiredKeys: ['podSelector'], ...opts }),
  fc.record({ namespaceSelector: selector }, opts),
  fc.record({ ipBlock }, opts),
);

const port = fc.oneof(
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'), port: fc.constantFrom('http', 'dns-tcp', 'metrics') }, { requiredKeys: ['port'], ...opts }),
  fc
    .tuple(fc.option(fc.constantFrom('TCP', 'UDP', 'SCTP'), { nil: undefined }), fc.integer({ min: 1, max: 65535 }), fc.option(fc.nat(1000), { nil: undefined }))
    .map(([protocol, p, span]) => ({
      ...(protocol ? { protocol } : {}),
      port: p,
      ...(span === undefined ? {} : { endPort: Math.min(65535, p + span) }),
    })),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }, opts),
);

const ingressRule = fc.record({ from: fc.array(peer, { maxLength: 2 }), ports: fc.array(port, { maxLength: 2 }) }, { requiredKeys: [], ...opts });
const egressRule = fc.record({ to: fc.array(peer, { maxLength: 2 }), ports: fc.array(port, { maxLength: 2 }) }, { requiredKeys: [], ...opts });
const policyTypes = fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress'], []);

export const policySpecArbitrary = fc.record(
  {
    podSelector: selector,
    ingress: fc.array(ingressRule, { maxLength: 2 }),
    egress: fc.array(egressRule, { maxLength: 2 }),
    policyTypes,
  },
  { requiredKeys: [], ...opts },
);

/** A valid manifest (as a user might write it) of a NetworkPolicy. */
export const networkPolicyManifestArbitrary = fc
  .record(
    {
      name: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/),
      namespace: fc.constantFrom('default', 'shop', 'kube-system'),
      labels,
      annotations: fc.dictionary(labelKey, fc.string({ maxLength: 12 }), { maxKeys: 2, ...opts }),
      spec: policySpecArbitrary,
    },
    { requiredKeys: ['name', 'namespace', 'spec'], ...opts },
  )
  .map(({ spec, ...metadata }) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec }));
